package dev.ferry.api;

import java.time.Instant;
import java.util.List;

/**
 * A run as the {@code status} query sees it.
 *
 * @param phase where the run is
 * @param attempt current attempt, 1-based; 0 before the first
 * @param maxAttempts attempts allowed
 * @param compute the current attempt's compute; null when none
 * @param progress the workload's last reported progress; null before any
 * @param startedAt when the run started
 * @param phaseSince when the current phase began
 * @param attempts attempts that have ended
 * @param failure why the run failed; null unless it did
 * @param image the image every attempt runs, pinned when the run started; null before that or when
 *     the provider runs no image
 * @param queue where the run waits under its provider's concurrency limit; null unless {@link
 *     RunPhase#QUEUED}
 */
public record RunStatus(
    RunPhase phase,
    int attempt,
    int maxAttempts,
    ComputeHandle compute,
    Progress progress,
    Instant startedAt,
    Instant phaseSince,
    List<AttemptSummary> attempts,
    String failure,
    String image,
    QueuePlace queue) {

  public RunStatus {
    attempts = attempts == null ? List.of() : List.copyOf(attempts);
  }
}
