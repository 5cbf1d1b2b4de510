package dev.ferry.starter;

import dev.ferry.api.FailureTypes;
import dev.ferry.api.RunResult;
import dev.ferry.api.RunStatus;
import dev.ferry.api.RunWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Follows a run to its end: progress on stderr, then the result and the exit code. */
final class RunWaiter {

  private final CliContext context;
  private final boolean json;

  RunWaiter(CliContext context, boolean json) {
    this.context = context;
    this.json = json;
  }

  int await(String workflowId, boolean showProgress) {
    WorkflowClient client = context.client().get();
    WorkflowStub stub = client.newUntypedWorkflowStub(workflowId);
    RunWorkflow run = client.newWorkflowStub(RunWorkflow.class, workflowId);
    CompletableFuture<RunResult> result = stub.getResultAsync(RunResult.class);
    String shown = null;
    while (true) {
      try {
        RunResult done = result.get(context.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
        if (showProgress) {
          showStatus(run, shown);
        }
        context.out().println(json ? Output.json(done) : Output.result(workflowId, done));
        return FerryCli.OK;
      } catch (TimeoutException stillRunning) {
        if (showProgress) {
          shown = showStatus(run, shown);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return FerryCli.RUN_FAILED;
      } catch (ExecutionException e) {
        if (showProgress) {
          showStatus(run, shown);
        }
        return failed(workflowId, e.getCause());
      }
    }
  }

  private String showStatus(RunWorkflow run, String shown) {
    try {
      RunStatus status = run.status();
      String line = Output.progress(status);
      if (!Objects.equals(line, shown)) {
        context.err().println(line);
      }
      return line;
    } catch (WorkflowException e) {
      // The run's first workflow task has not run yet, or the orchestrator is restarting.
      return shown;
    }
  }

  private int failed(String workflowId, Throwable failure) {
    if (failure instanceof WorkflowNotFoundException) {
      throw new FerryCli.UsageException("no run with id '" + workflowId + "'");
    }
    if (!(failure instanceof WorkflowFailedException failed)) {
      context.err().println("ferry: cannot follow " + workflowId + ": " + failure);
      return FerryCli.RUN_FAILED;
    }
    Throwable cause = failed.getCause();
    if (cause instanceof CanceledFailure) {
      context.err().println("run " + workflowId + " was cancelled");
      return FerryCli.RUN_FAILED;
    }
    if (cause instanceof ApplicationFailure app) {
      context.err().println("run " + workflowId + " failed: " + app.getOriginalMessage());
      Output.attempts(app).forEach(line -> context.err().println("  " + line));
      if (json) {
        context.out().println(Output.failureJson(workflowId, app));
      }
      boolean callerMistake =
          FailureTypes.INVALID_REQUEST.equals(app.getType())
              || FailureTypes.INVALID_COMPUTE_SPEC.equals(app.getType());
      return callerMistake ? FerryCli.USAGE : FerryCli.RUN_FAILED;
    }
    context.err().println("run " + workflowId + " failed: " + cause);
    return FerryCli.RUN_FAILED;
  }
}
