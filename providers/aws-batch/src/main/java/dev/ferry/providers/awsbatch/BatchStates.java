package dev.ferry.providers.awsbatch;

import dev.ferry.api.ComputeState;
import java.time.Duration;
import java.time.Instant;
import software.amazon.awssdk.services.batch.model.JobStatus;

/**
 * Maps a Batch job's status to a {@link ComputeState}: the one place that knows Batch's statuses
 * ({@code SUBMITTED, PENDING, RUNNABLE, STARTING, RUNNING, SUCCEEDED, FAILED}).
 */
final class BatchStates {

  /** What Batch says when the container itself exited non-zero. */
  private static final String CONTAINER_EXITED = "Essential container in task exited";

  private BatchStates() {}

  /**
   * The state of one job.
   *
   * @param job what Batch reports of the job
   * @param bootDeadline when a job still waiting for compute counts as a boot failure; null for
   *     never
   * @param now the current time
   */
  static ComputeState toComputeState(BatchJob job, Instant bootDeadline, Instant now) {
    String reason = job.statusReason() == null ? "" : job.statusReason().strip();
    return switch (job.status()) {
      case SUBMITTED, PENDING, STARTING -> pending(job.status(), reason);
      case RUNNABLE -> runnable(job, reason, bootDeadline, now);
      case RUNNING -> new ComputeState.Running();
      case SUCCEEDED -> new ComputeState.Exited(job.exitCode() == null ? 0 : job.exitCode());
      case FAILED -> failed(job, reason);
      // A status newer than this SDK: shown, not guessed at.
      case UNKNOWN_TO_SDK_VERSION -> new ComputeState.Pending("unknown Batch job status");
    };
  }

  /** True once Batch will run nothing more for the job. */
  static boolean isFinal(JobStatus status) {
    return status == JobStatus.SUCCEEDED || status == JobStatus.FAILED;
  }

  private static ComputeState pending(JobStatus status, String reason) {
    String name = status.toString();
    return new ComputeState.Pending(reason.isEmpty() ? name : name + ": " + reason);
  }

  private static ComputeState runnable(
      BatchJob job, String reason, Instant bootDeadline, Instant now) {
    if (bootDeadline == null || now.isBefore(bootDeadline)) {
      return pending(JobStatus.RUNNABLE, reason);
    }
    Duration waited =
        job.createdAt() == null ? null : Duration.between(job.createdAt(), now).withNanos(0);
    return new ComputeState.Failed(
        "job is still RUNNABLE after its boot timeout"
            + (waited == null ? "" : " (waiting " + waited + ")")
            + (reason.isEmpty() ? "" : ", Batch says: " + reason)
            + ": usually no compute environment of job queue "
            + job.jobQueue()
            + " has capacity for it (maxvCpus reached, the environment is disabled or invalid,"
            + " or no instance type fits the job's vCPU and memory)");
  }

  private static ComputeState failed(BatchJob job, String reason) {
    Integer code = job.exitCode();
    if (code != null && (reason.isEmpty() || reason.startsWith(CONTAINER_EXITED))) {
      return new ComputeState.Exited(code);
    }
    String why =
        reason.isEmpty()
            ? (code == null
                ? "job FAILED before its container ran, and Batch gave no reason (an image that"
                    + " cannot be pulled or started is the usual cause)"
                : "job FAILED")
            : reason;
    return new ComputeState.Failed(code == null ? why : why + " (exit code " + code + ")");
  }
}
