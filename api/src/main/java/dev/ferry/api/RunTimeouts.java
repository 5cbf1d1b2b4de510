package dev.ferry.api;

import java.time.Duration;

/**
 * Per-attempt limits of a run, each positive and at most its {@code MAX_*} bound: the bounds keep
 * the lease arithmetic ({@code now + boot + run + margin}) far from overflowing {@code Instant} and
 * {@code Duration}, and one attempt's history within Temporal's event limits.
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

  public RunTimeouts {
    boot = bounded("timeouts.boot", boot, DEFAULT_BOOT, MAX_BOOT, "1 day");
    run = bounded("timeouts.run", run, DEFAULT_RUN, MAX_RUN, "7 days");
    heartbeat = bounded("timeouts.heartbeat", heartbeat, DEFAULT_HEARTBEAT, MAX_HEARTBEAT, "1 day");
    if (heartbeat.compareTo(run) > 0) {
      throw new IllegalArgumentException(
          "timeouts.heartbeat (" + heartbeat + ") must not exceed timeouts.run (" + run + ")");
    }
  }

  public static RunTimeouts defaults() {
    return new RunTimeouts(null, null, null);
  }

  private static Duration bounded(
      String field, Duration value, Duration fallback, Duration max, String maxInWords) {
    if (value == null) {
      return fallback;
    }
    if (value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(field + " must be positive, was " + value);
    }
    if (value.compareTo(max) > 0) {
      throw new IllegalArgumentException(
          field + " must be at most " + max + " (" + maxInWords + "), was " + value);
    }
    return value;
  }
}
