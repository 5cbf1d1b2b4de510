package dev.ferry.external;

import dev.ferry.api.WorkloadActivity;
import dev.ferry.api.WorkloadResult;
import dev.ferry.api.WorkloadTask;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/** Runs the task once, with no retry, as the orchestrator does on each compute attempt. */
public class OneWorkloadWorkflowImpl implements OneWorkloadWorkflow {

  static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(10);

  @Override
  public WorkloadResult run(String taskQueue, WorkloadTask task) {
    WorkloadActivity activity =
        Workflow.newActivityStub(
            WorkloadActivity.class,
            ActivityOptions.newBuilder()
                .setTaskQueue(taskQueue)
                .setStartToCloseTimeout(Duration.ofMinutes(2))
                .setHeartbeatTimeout(HEARTBEAT_TIMEOUT)
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                .build());
    return activity.run(task);
  }
}
