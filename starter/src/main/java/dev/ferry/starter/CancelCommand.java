package dev.ferry.starter;

import io.temporal.client.WorkflowNotFoundException;
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
      context.client().get().newUntypedWorkflowStub(workflowId).cancel();
    } catch (WorkflowNotFoundException e) {
      throw new FerryCli.UsageException("no running run with id '" + workflowId + "'");
    }
    context.out().println("cancel requested for " + workflowId);
    return FerryCli.OK;
  }
}
