package dev.ferry.orchestrator;

import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.WorkflowClient;

/** DescribeWorkflowExecution in the client's namespace: status, pending activities, timings. */
final class WorkflowDescriptions {

  private WorkflowDescriptions() {}

  /**
   * Describes a workflow execution.
   *
   * @param runId the run to describe; null for the workflow's latest run
   * @throws io.grpc.StatusRuntimeException {@code NOT_FOUND} when there is no such execution
   */
  static DescribeWorkflowExecutionResponse describe(
      WorkflowClient client, String workflowId, String runId) {
    WorkflowExecution.Builder execution = WorkflowExecution.newBuilder().setWorkflowId(workflowId);
    if (runId != null) {
      execution.setRunId(runId);
    }
    return client
        .getWorkflowServiceStubs()
        .blockingStub()
        .describeWorkflowExecution(
            DescribeWorkflowExecutionRequest.newBuilder()
                .setNamespace(client.getOptions().getNamespace())
                .setExecution(execution)
                .build());
  }
}
