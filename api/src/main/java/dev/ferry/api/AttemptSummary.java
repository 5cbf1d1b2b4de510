package dev.ferry.api;

/**
 * One compute attempt of a run, as it ended.
 *
 * @param number 1-based attempt number
 * @param compute the compute it used; null when provisioning never named one
 * @param outcome how it ended
 * @param detail a human-readable reason
 * @param teardown the teardown receipt; null when there was nothing to tear down
 * @param image the (pinned) image the attempt's compute was given; null when none
 */
public record AttemptSummary(
    int number,
    ComputeHandle compute,
    AttemptOutcome outcome,
    String detail,
    TeardownReceipt teardown,
    String image) {

  /** A summary that names no image. */
  public AttemptSummary(
      int number,
      ComputeHandle compute,
      AttemptOutcome outcome,
      String detail,
      TeardownReceipt teardown) {
    this(number, compute, outcome, detail, teardown, null);
  }
}
