package dev.ferry.api;

/** How one compute attempt of a run ended. */
public enum AttemptOutcome {
  /** The workload finished and returned its output. */
  SUCCEEDED,
  /** The workload itself failed: the run fails with its reason, no new compute. */
  WORKLOAD_FAILED,
  /** Provisioning failed after its retries. */
  PROVISION_FAILED,
  /** No worker polled the attempt's queue before the boot timeout, or the compute died first. */
  COMPUTE_NEVER_STARTED,
  /** The worker stopped heartbeating or the compute died mid-run: resume on fresh compute. */
  COMPUTE_LOST,
  /** The workload ran past the run timeout. */
  RUN_TIMED_OUT,
  /** The run was cancelled during this attempt. */
  CANCELLED
}
