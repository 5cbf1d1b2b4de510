package dev.ferry.starter;

import dev.ferry.api.CommitState;
import dev.ferry.api.PullRequestResult;
import dev.ferry.api.PullRequestStatus;
import dev.ferry.api.PullRequestWorkflow;
import dev.ferry.api.RunUpdate;
import dev.ferry.api.SideOutcome;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.failure.CanceledFailure;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Follows a pull-request check: each side's progress on stderr, one line per side as {@code ferry
 * run --wait} shows a run, then the verdict. Exit 0 for success, 1 otherwise.
 */
final class PrWaiter {

  private final CliContext context;
  private final boolean json;
  private final Map<String, String> shown = new HashMap<>();

  PrWaiter(CliContext context, boolean json) {
    this.context = context;
    this.json = json;
  }

  int await(String workflowId) {
    WorkflowClient client = context.client().get();
    CompletableFuture<PullRequestResult> result =
        client.newUntypedWorkflowStub(workflowId).getResultAsync(PullRequestResult.class);
    while (true) {
      try {
        PullRequestResult done =
            result.get(context.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
        showSides(client, workflowId);
        context.out().println(json ? Output.json(done) : verdict(workflowId, done));
        return done.state() == CommitState.SUCCESS ? FerryCli.OK : FerryCli.RUN_FAILED;
      } catch (TimeoutException stillRunning) {
        showSides(client, workflowId);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return FerryCli.RUN_FAILED;
      } catch (ExecutionException e) {
        Throwable failure = e.getCause();
        if (failure instanceof WorkflowNotFoundException) {
          throw new FerryCli.UsageException("no check with id '" + workflowId + "'");
        }
        if (failure instanceof WorkflowFailedException failed
            && failed.getCause() instanceof CanceledFailure) {
          context.err().println("check " + workflowId + " was cancelled (superseded?)");
        } else {
          context.err().println("check " + workflowId + " failed: " + failure.getMessage());
        }
        return FerryCli.RUN_FAILED;
      }
    }
  }

  /** Each side as the check's own {@code status} query shows it, when it changed. */
  private void showSides(WorkflowClient client, String workflowId) {
    PullRequestStatus status;
    try {
      status = client.newWorkflowStub(PullRequestWorkflow.class, workflowId).status();
    } catch (WorkflowException e) {
      return; // Its first workflow task has not run yet.
    }
    if (status != null) {
      side("base", status.oldRun());
      side("head", status.newRun());
    }
  }

  private void side(String label, RunUpdate run) {
    if (run == null) {
      return; // The side has not reported yet.
    }
    String line = label + " " + Output.progress(run);
    if (!Objects.equals(shown.put(label, line), line)) {
      context.err().println(line);
    }
  }

  static String verdict(String workflowId, PullRequestResult result) {
    return String.join(
        System.lineSeparator(),
        "check " + workflowId + ": " + result.state().apiName() + " · " + result.description(),
        "  base: " + side(result.old()),
        "  head: " + side(result.current()));
  }

  private static String side(SideOutcome side) {
    if (side == null) {
      return "-";
    }
    if (!side.ran()) {
      return "could not run: " + side.error();
    }
    return (side.output().passed() ? "passed" : "failed")
        + " · "
        + side.output().summary()
        + " · check "
        + side.output().duration().toMillis() / 1000.0
        + " s, run "
        + (side.elapsed() == null ? "?" : side.elapsed().toMillis() / 1000.0 + " s");
  }
}
