package dev.ferry.api;

import java.time.Duration;

/**
 * Per-attempt limits of a run. {@link RequestBounds} holds each to be positive and at most its
 * {@code MAX_*} bound: the bounds keep the lease arithmetic ({@code now + boot + run + margin}) far
 * from overflowing {@code Instant} and {@code Duration}, and one attempt's history within
 * Temporal's event limits.
 *
 * @param boot how long the workload may wait for a worker on fresh compute (schedule-to-start)
 * @param run how long one attempt of the workload may run (start-to-close)
 * @param heartbeat longest silence before the compute is presumed lost
 */
public record RunTimeouts(Duration boot, Duration run, Duration heartbeat) {

  public static final Duration DEFAULT_BOOT = Duration.ofMinutes(5);
  public static final Duration DEFAULT_RUN = Duration.ofHours(2);
  public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(30);

  /** Longest boot timeout: a worker that has not come up within a day will not. */
  public static final Duration MAX_BOOT = Duration.ofDays(1);

  /** Longest run timeout of one attempt; longer work checkpoints and resumes on a new attempt. */
  public static final Duration MAX_RUN = Duration.ofDays(7);

  /** Longest heartbeat timeout: a day of silence is a lost compute. */
  public static final Duration MAX_HEARTBEAT = Duration.ofDays(1);

  /** Fills unset limits with the defaults; the bounds are {@link RequestBounds}'s to check. */
  public RunTimeouts {
    boot = boot == null ? DEFAULT_BOOT : boot;
    run = run == null ? DEFAULT_RUN : run;
    heartbeat = heartbeat == null ? DEFAULT_HEARTBEAT : heartbeat;
  }

  public static RunTimeouts defaults() {
    return new RunTimeouts(null, null, null);
  }
}
