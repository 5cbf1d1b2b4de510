package dev.ferry.api;

/** Task-queue names every Ferry process agrees on. */
public final class TaskQueues {

  /** Where the orchestrator worker polls for run workflows and compute activities. */
  public static final String ORCHESTRATOR = "ferry-orchestrator";

  /** Prefix of the per-attempt queues that only one external worker ever polls. */
  public static final String RUN_PREFIX = "ferry-run-";

  private TaskQueues() {}
}
