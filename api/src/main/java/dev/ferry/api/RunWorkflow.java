package dev.ferry.api;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** One run: provisions compute, runs the workload there, and always tears the compute down. */
@WorkflowInterface
public interface RunWorkflow {

  @WorkflowMethod
  RunResult run(RunRequest request);

  @QueryMethod
  RunStatus status();

  /** From the provider's concurrency queue: the run's place in it, or that it may start. */
  @SignalMethod
  void permit(PermitNotice notice);
}
