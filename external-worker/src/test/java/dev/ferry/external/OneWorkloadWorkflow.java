package dev.ferry.external;

import dev.ferry.api.WorkloadResult;
import dev.ferry.api.WorkloadTask;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** A stand-in for the orchestrator: schedules one workload task on a given queue. */
@WorkflowInterface
public interface OneWorkloadWorkflow {

  @WorkflowMethod
  WorkloadResult run(String taskQueue, WorkloadTask task);
}
