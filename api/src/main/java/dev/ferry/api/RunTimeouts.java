package dev.ferry.api;

import java.time.Duration;

/**
 * Per-attempt limits of a run.
 *
 * @param boot how long the workload may wait for a worker on fresh compute (schedule-to-start)
 * @param run how long one attempt of the workload may run (start-to-close)
 * @param heartbeat longest silence before the compute is presumed lost
 */
public record RunTimeouts(Duration boot, Duration run, Duration heartbeat) {

  public static final Duration DEFAULT_BOOT = Duration.ofMinutes(5);
  public static final Duration DEFAULT_RUN = Duration.ofHours(2);
  public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(30);

  public RunTimeouts {
    boot = positive("timeouts.boot", boot, DEFAULT_BOOT);
    run = positive("timeouts.run", run, DEFAULT_RUN);
    heartbeat = positive("timeouts.heartbeat", heartbeat, DEFAULT_HEARTBEAT);
    if (heartbeat.compareTo(run) > 0) {
      throw new IllegalArgumentException(
          "timeouts.heartbeat (" + heartbeat + ") must not exceed timeouts.run (" + run + ")");
    }
  }

  public static RunTimeouts defaults() {
    return new RunTimeouts(null, null, null);
  }

  private static Duration positive(String field, Duration value, Duration fallback) {
    if (value == null) {
      return fallback;
    }
    if (value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(field + " must be positive, was " + value);
    }
    return value;
  }
}
