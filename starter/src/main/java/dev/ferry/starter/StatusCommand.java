package dev.ferry.starter;

import dev.ferry.api.RunStatus;
import dev.ferry.api.RunWorkflow;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowQueryException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ferry status ID}: where a run is. */
@Command(name = "status", description = "Show where run ID is.")
final class StatusCommand implements Callable<Integer> {

  private final CliContext context;

  @Parameters(index = "0", paramLabel = "ID")
  String workflowId;

  @Option(names = "--json", description = "machine-readable output on stdout")
  boolean json;

  StatusCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    RunStatus status;
    try {
      status = context.client().get().newWorkflowStub(RunWorkflow.class, workflowId).status();
    } catch (WorkflowNotFoundException e) {
      throw new FerryCli.UsageException("no run with id '" + workflowId + "'");
    } catch (WorkflowQueryException e) {
      if (e.getCause() instanceof WorkflowNotFoundException) {
        throw new FerryCli.UsageException("no run with id '" + workflowId + "'");
      }
      throw e;
    }
    context.out().println(json ? Output.json(status) : Output.status(workflowId, status));
    return FerryCli.OK;
  }
}
