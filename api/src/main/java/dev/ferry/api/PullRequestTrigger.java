package dev.ferry.api;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.time.Duration;

/**
 * How every trigger (the CLI, the HTTP API) starts a pull-request check: a signal-with-start of the
 * pull request's coordinator, which starts the check or finds it already running.
 */
public final class PullRequestTrigger {

  /** How long to wait for the coordinator to start the check before answering anyway. */
  static final Duration CHECK_APPEARS_WITHIN = Duration.ofSeconds(10);

  private PullRequestTrigger() {}

  /**
   * Asks for the check and returns its workflow id once the check exists (or after {@link
   * #CHECK_APPEARS_WITHIN}, for a check that turned out to be a duplicate of a finished one).
   */
  public static String start(WorkflowClient client, PullRequestCheck check) {
    PullRequestCoordinator coordinator =
        client.newWorkflowStub(
            PullRequestCoordinator.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(check.coordinatorId())
                .setTaskQueue(TaskQueues.ORCHESTRATOR)
                .build());
    BatchRequest request = client.newSignalWithStartRequest();
    request.add(coordinator::coordinate);
    request.add(coordinator::pushed, check);
    client.signalWithStart(request);
    awaitExists(client, check.workflowId());
    return check.workflowId();
  }

  private static void awaitExists(WorkflowClient client, String workflowId) {
    long deadline = System.nanoTime() + CHECK_APPEARS_WITHIN.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        client
            .getWorkflowServiceStubs()
            .blockingStub()
            .describeWorkflowExecution(
                DescribeWorkflowExecutionRequest.newBuilder()
                    .setNamespace(client.getOptions().getNamespace())
                    .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                    .build());
        return;
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
          throw e;
        }
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
