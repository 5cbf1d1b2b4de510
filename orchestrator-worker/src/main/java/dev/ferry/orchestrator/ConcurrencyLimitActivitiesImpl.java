package dev.ferry.orchestrator;

import dev.ferry.api.ConcurrencyLimitActivities;
import dev.ferry.api.ConcurrencyLimitWorkflow;
import dev.ferry.api.LimitState;
import dev.ferry.api.PermitRequest;
import dev.ferry.api.RunIds;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.activity.Activity;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.util.ArrayList;
import java.util.List;

/** Starts and signals the providers' concurrency queues, and tells them which holders ended. */
public final class ConcurrencyLimitActivitiesImpl implements ConcurrencyLimitActivities {

  @Override
  public void requestPermit(PermitRequest request) {
    var context = Activity.getExecutionContext();
    WorkflowClient client = context.getWorkflowClient();
    WorkflowStub queue =
        client.newUntypedWorkflowStub(
            "ConcurrencyLimitWorkflow",
            WorkflowOptions.newBuilder()
                .setWorkflowId(ConcurrencyLimitWorkflow.workflowId(request.provider()))
                // The queue of the worker running the run: the orchestrator's,
                // TaskQueues.ORCHESTRATOR.
                .setTaskQueue(context.getInfo().getActivityTaskQueue())
                .build());
    // Starts the queue if no replica has yet; otherwise only signals it.
    try {
      queue.signalWithStart(
          "acquire",
          new Object[] {request},
          new Object[] {LimitState.empty(request.provider(), request.limit())});
    } catch (WorkflowExecutionAlreadyStarted startedMeanwhile) {
      // Another run's signal-with-start won a race the server reports this way: just signal.
      client
          .newUntypedWorkflowStub(ConcurrencyLimitWorkflow.workflowId(request.provider()))
          .signal("acquire", request);
    }
  }

  @Override
  public RunIds closedRuns(RunIds runs) {
    WorkflowClient client = Activity.getExecutionContext().getWorkflowClient();
    List<String> closed = new ArrayList<>();
    for (String workflowId : runs.workflowIds()) {
      try {
        WorkflowExecutionStatus status =
            WorkflowDescriptions.describe(client, workflowId, null)
                .getWorkflowExecutionInfo()
                .getStatus();
        if (status != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
          closed.add(workflowId);
        }
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
          throw e;
        }
        closed.add(workflowId);
      }
    }
    return new RunIds(closed);
  }
}
