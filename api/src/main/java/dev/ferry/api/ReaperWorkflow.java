package dev.ferry.api;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Removes compute whose run has closed or whose lease has expired, round after round, for as long
 * as it runs; every orchestrator starts it under {@link #ID}, so replicas share one.
 */
@WorkflowInterface
public interface ReaperWorkflow {

  /** The one reaper's workflow id. */
  String ID = "ferry-reaper";

  @WorkflowMethod
  void run(ReaperState state);

  @QueryMethod
  ReaperStatus status();
}
