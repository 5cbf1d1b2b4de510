package dev.ferry.external;

/** How an external worker process ends; providers may report the code in a teardown receipt. */
public enum ExitCode {
  /** The task ran and its result, success or failure, was reported to Temporal. */
  TASK_DONE(0),
  /** The environment is missing a variable or has an invalid one. */
  BAD_CONFIG(2),
  /** No task arrived within the idle timeout. */
  NO_TASK(3),
  /** The lease ran out ({@code FERRY_LEASE_EXPIRES}): the workload was stopped, unreported. */
  LEASE_EXPIRED(4),
  /**
   * Temporal could not be reached for longer than the heartbeat timeout ({@code
   * FERRY_HEARTBEAT_TIMEOUT}): the server has given the task up, so the workload was stopped.
   */
  CUT_OFF(5),
  /** SIGTERM: the last heartbeat was flushed and the task left unreported, to resume elsewhere. */
  TERMINATED(143);

  private final int code;

  ExitCode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}
