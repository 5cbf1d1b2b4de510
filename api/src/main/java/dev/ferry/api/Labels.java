package dev.ferry.api;

/** Label keys every managed resource carries, so the reaper can find and judge it. */
public final class Labels {

  public static final String MANAGED = "ferry.managed";
  public static final String WORKFLOW_ID = "ferry.workflow-id";
  public static final String RUN_ID = "ferry.run-id";
  public static final String ATTEMPT = "ferry.attempt";
  public static final String LEASE_EXPIRES = "ferry.lease-expires";
  public static final String TASK_QUEUE = "ferry.task-queue";

  /**
   * The run's workload: the orchestrator gives a compute the credentials its workload needs and no
   * others (only a {@code pr-check} gets the git token).
   */
  public static final String WORKLOAD = "ferry.workload";

  /**
   * The Temporal namespace and address the run lives on ({@code namespace@address}): the reaper
   * judges only resources of its own, never those of another Ferry sharing the platform.
   */
  public static final String TEMPORAL = "ferry.temporal";

  private Labels() {}
}
