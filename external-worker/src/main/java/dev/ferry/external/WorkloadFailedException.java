package dev.ferry.external;

/**
 * A workload failed on its own terms (a failing command, an unusable checkpoint): the run fails
 * with this message, and fresh compute would not help.
 */
public final class WorkloadFailedException extends Exception {

  private final transient Object details;

  /**
   * @param details what the workload produced before failing, for the caller; may be null
   */
  public WorkloadFailedException(String message, Object details) {
    super(message);
    this.details = details;
  }

  /** What the workload produced before failing, such as a command's output; may be null. */
  public Object details() {
    return details;
  }
}
