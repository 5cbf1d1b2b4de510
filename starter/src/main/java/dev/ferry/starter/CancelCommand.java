package dev.ferry.starter;

import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowStub;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ferry cancel ID}: asks a run to stop; its compute is torn down before it ends. */
@Command(name = "cancel", description = "Cancel run ID; its compute is torn down.")
final class CancelCommand implements Callable<Integer> {

  private final CliContext context;

  @Parameters(index = "0", paramLabel = "ID")
  String workflowId;

  CancelCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    try {
      WorkflowStub run = context.client().get().newUntypedWorkflowStub(workflowId);
      // The server accepts a cancel request for a run that has already ended, and ignores it.
      WorkflowExecutionStatus status = run.describe().getStatus();
      if (status != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
        throw new FerryCli.UsageException(
            "run '"
                + workflowId
                + "' has already ended ("
                + status.name().replace("WORKFLOW_EXECUTION_STATUS_", "")
                + "); nothing to cancel");
      }
      run.cancel();
    } catch (WorkflowNotFoundException e) {
      throw new FerryCli.UsageException("no running run with id '" + workflowId + "'");
    }
    context.out().println("cancel requested for " + workflowId);
    return FerryCli.OK;
  }
}
