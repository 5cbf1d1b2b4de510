package dev.ferry.api;

import java.time.Duration;

/**
 * What the reaper carries from one workflow run to the next (it continues as new to keep its
 * history short).
 *
 * @param interval the time between rounds
 * @param roundsPerRun rounds before it continues as new
 * @param status what it has done so far
 */
public record ReaperState(Duration interval, int roundsPerRun, ReaperStatus status) {

  /**
   * Rounds per workflow run unless told otherwise: a round without removals adds about a dozen
   * events, so a run stays near 6,000, well below the size at which Temporal starts to warn.
   */
  public static final int DEFAULT_ROUNDS_PER_RUN = 500;

  public ReaperState {
    if (interval == null || interval.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException(
          "the reaper's interval must be 1 s or more, was " + interval);
    }
    if (roundsPerRun < 1) {
      throw new IllegalArgumentException("roundsPerRun must be positive, was " + roundsPerRun);
    }
    status = status == null ? ReaperStatus.NONE : status;
  }

  /** A first run with nothing reaped yet. */
  public static ReaperState starting(Duration interval) {
    return new ReaperState(interval, DEFAULT_ROUNDS_PER_RUN, ReaperStatus.NONE);
  }

  public ReaperState withStatus(ReaperStatus newStatus) {
    return new ReaperState(interval, roundsPerRun, newStatus);
  }
}
