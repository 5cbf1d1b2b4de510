package dev.ferry.api;

/**
 * A child run's phase, attempt, compute and progress: what it tells the workflow that started it
 * whenever one of them changes, and what a pull-request check's {@code status} shows of each side.
 *
 * @param runId the child run's workflow id
 * @param phase where the run is
 * @param attempt current attempt, 1-based; 0 before the first
 * @param maxAttempts attempts allowed
 * @param compute the current attempt's compute; null when none
 * @param progress the workload's last reported progress; null before any
 * @param failure why the run failed; null unless it did
 */
public record RunUpdate(
    String runId,
    RunPhase phase,
    int attempt,
    int maxAttempts,
    ComputeHandle compute,
    Progress progress,
    String failure) {

  /** The parts of {@code status} a parent is told about. */
  public static RunUpdate of(String runId, RunStatus status) {
    return new RunUpdate(
        runId,
        status.phase(),
        status.attempt(),
        status.maxAttempts(),
        status.compute(),
        status.progress(),
        status.failure());
  }

  /** The same run in another phase, e.g. its final one as its parent saw it end. */
  public RunUpdate inPhase(RunPhase newPhase, String newFailure) {
    return new RunUpdate(runId, newPhase, attempt, maxAttempts, compute, progress, newFailure);
  }
}
