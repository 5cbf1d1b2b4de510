package dev.ferry.api;

import io.temporal.activity.ActivityInterface;

/** Orchestrator-side activities of the per-provider concurrency limits. */
@ActivityInterface
public interface ConcurrencyLimitActivities {

  /**
   * Signals the provider's queue with the request, starting the queue if it is not running
   * (signal-with-start), so that no orchestrator has to start it first.
   */
  void requestPermit(PermitRequest request);

  /** Of these runs, those that are no longer running (closed, or unknown to the server). */
  RunIds closedRuns(RunIds runs);
}
