package dev.ferry.api;

/** Task-queue names every Ferry process agrees on. */
public final class TaskQueues {

  /** Where the orchestrator worker polls for run workflows and compute activities. */
  public static final String ORCHESTRATOR = "ferry-orchestrator";

  /** Prefix of the per-attempt queues that only one external worker ever polls. */
  public static final String RUN_PREFIX = "ferry-run-";

  /**
   * Where the orchestrator takes the workload activities of callback-mode runs, whose compute runs
   * no Temporal worker and reports over HTTP instead.
   */
  public static final String CALLBACKS = "ferry-callbacks";

  private TaskQueues() {}
}
