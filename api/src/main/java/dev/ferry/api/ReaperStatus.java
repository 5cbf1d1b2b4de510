package dev.ferry.api;

import java.time.Instant;
import java.util.List;

/**
 * What the reaper has done since it was first started, across continue-as-new.
 *
 * @param rounds rounds completed
 * @param reapedRunClosed resources removed because their run had closed (or was unknown)
 * @param reapedLeaseExpired resources removed because their lease had expired
 * @param failedRemovals removals that failed and were left to a later round
 * @param lastRound when the last round ended; null before the first
 * @param unreachable the providers the last round could not list, each with the reason
 */
public record ReaperStatus(
    long rounds,
    long reapedRunClosed,
    long reapedLeaseExpired,
    long failedRemovals,
    Instant lastRound,
    List<String> unreachable) {

  /** Nothing done yet. */
  public static final ReaperStatus NONE = new ReaperStatus(0, 0, 0, 0, null, List.of());

  public ReaperStatus {
    unreachable = unreachable == null ? List.of() : List.copyOf(unreachable);
  }

  /** All resources removed, for either reason. */
  public long reaped() {
    return reapedRunClosed + reapedLeaseExpired;
  }
}
