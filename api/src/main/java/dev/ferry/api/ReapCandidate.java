package dev.ferry.api;

/**
 * A resource the reaper found to remove.
 *
 * @param handle the resource
 * @param workflowId the workflow id of the run it belonged to; null when its labels had none
 * @param runId that run's id; null when its labels had none
 * @param reason why it goes
 */
public record ReapCandidate(
    ComputeHandle handle, String workflowId, String runId, ReapReason reason) {

  public ReapCandidate {
    if (handle == null || reason == null) {
      throw new IllegalArgumentException("handle and reason must be set");
    }
  }
}
