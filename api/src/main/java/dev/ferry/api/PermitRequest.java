package dev.ferry.api;

/**
 * A run asking its provider's queue for a place under the limit.
 *
 * @param provider the provider id
 * @param limit the limit the run's orchestrator has configured; the queue adopts the latest
 * @param workflowId the run's workflow id, where the queue signals its place and its grant
 * @param runId the run's run id, for the logs
 */
public record PermitRequest(String provider, int limit, String workflowId, String runId) {

  public PermitRequest {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive, was " + limit);
    }
  }
}
