package dev.ferry.orchestrator;

import dev.ferry.api.CommitState;
import dev.ferry.api.SideOutcome;
import java.time.Duration;

/**
 * The commit status two sides of a check add up to, worded for a reviewer at a glance.
 *
 * @param state the commit state
 * @param description what it says
 */
record PullRequestVerdict(CommitState state, String description) {

  static PullRequestVerdict of(SideOutcome old, SideOutcome current) {
    if (!old.ran() || !current.ran()) {
      // The side that could not run, not the one cancelled because of it.
      boolean baseFirst = !old.ran() && !PullRequestSide.CANCELLED.equals(old.error());
      String side = baseFirst ? "base" : "head";
      String error = baseFirst ? old.error() : current.error();
      return new PullRequestVerdict(CommitState.ERROR, side + " could not run: " + error);
    }
    String times =
        " (base "
            + seconds(old.output().duration())
            + ", head "
            + seconds(current.output().duration())
            + ")";
    if (current.output().passed()) {
      return new PullRequestVerdict(
          CommitState.SUCCESS,
          (old.output().passed() ? "passed" : "passed; fails on base") + times);
    }
    String prefix = old.output().passed() ? "new failure: " : "already failing on base: ";
    return new PullRequestVerdict(CommitState.FAILURE, prefix + current.output().summary() + times);
  }

  /** {@code 0.4s}, {@code 12.0s}, {@code 3m05s}: short enough for a 140-character status. */
  static String seconds(Duration duration) {
    long millis = duration.toMillis();
    if (millis < 60_000) {
      return String.format(java.util.Locale.ROOT, "%.1fs", millis / 1000.0);
    }
    long s = Math.round(millis / 1000.0);
    return (s / 60) + "m" + String.format(java.util.Locale.ROOT, "%02d", s % 60) + "s";
  }
}
