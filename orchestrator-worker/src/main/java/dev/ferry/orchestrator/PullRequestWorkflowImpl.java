package dev.ferry.orchestrator;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.api.CommitState;
import dev.ferry.api.CommitStatus;
import dev.ferry.api.CommitStatusActivities;
import dev.ferry.api.PullRequestCheck;
import dev.ferry.api.PullRequestResult;
import dev.ferry.api.PullRequestStatus;
import dev.ferry.api.PullRequestWorkflow;
import dev.ferry.api.RunRequest;
import dev.ferry.api.RunUpdate;
import dev.ferry.api.SideOutcome;
import dev.ferry.api.Workload;
import io.temporal.activity.ActivityOptions;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import org.slf4j.Logger;

/**
 * Runs the check on base and head in parallel, each as a child run on its own compute; when one
 * side cannot run, cancels the other (which tears its compute down) and reports {@code error}.
 */
public class PullRequestWorkflowImpl implements PullRequestWorkflow {

  private static final Logger log = Workflow.getLogger(PullRequestWorkflowImpl.class);

  private final CommitStatusActivities statuses =
      Workflow.newActivityStub(
          CommitStatusActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofSeconds(30))
              .setScheduleToCloseTimeout(Duration.ofMinutes(10))
              .build());

  private PullRequestStatus status;
  private PullRequestSide old;
  private PullRequestSide head;

  @Override
  public PullRequestResult check(PullRequestCheck check) {
    String id = Workflow.getInfo().getWorkflowId();
    old = new PullRequestSide(id + "-old", request(check, check.oldSha()));
    head = new PullRequestSide(id + "-new", request(check, check.newSha()));
    try {
      return checkBothSides(check);
    } catch (RuntimeException e) {
      RuntimeException failure = WorkflowBugs.toFailure(e, "pull-request");
      if (failure != e) {
        // A bug here fails the check instead of retrying its workflow task forever, once both
        // sides are cancelled and their computes torn down (a failed parent would terminate them,
        // which runs no teardown).
        log.error("pull-request check failed on a bug", e);
        Workflow.newDetachedCancellationScope(
                () -> {
                  old.cancel();
                  head.cancel();
                  Workflow.await(() -> old.settled() && head.settled());
                  try {
                    report(check, CommitState.ERROR, "internal error in Ferry", null, null);
                  } catch (RuntimeException statusFailure) {
                    log.warn("could not set the error status: {}", statusFailure.toString());
                  }
                })
            .run();
      }
      throw failure;
    }
  }

  private PullRequestResult checkBothSides(PullRequestCheck check) {
    report(check, CommitState.PENDING, "checking base and head", null, null);
    old.start();
    head.start();
    try {
      Workflow.await(() -> (old.done() && head.done()) || old.failed() || head.failed());
    } catch (CanceledFailure e) {
      // Superseded or cancelled: the sides were cancelled with this scope; their teardown is
      // awaited and the status says so, outside the cancelled scope.
      Workflow.newDetachedCancellationScope(
              () -> {
                Workflow.await(() -> old.done() && head.done());
                report(
                    check, CommitState.ERROR, "cancelled before both sides finished", null, null);
              })
          .run();
      throw e;
    }
    if (old.failed() && !head.done()) {
      head.cancel();
    } else if (head.failed() && !old.done()) {
      old.cancel();
    }
    Workflow.await(() -> old.done() && head.done());
    SideOutcome oldOutcome = old.outcome();
    SideOutcome newOutcome = head.outcome();
    PullRequestVerdict verdict = PullRequestVerdict.of(oldOutcome, newOutcome);
    log.info("{}#{} {}: {}", check.repo(), check.pr(), verdict.state(), verdict.description());
    report(check, verdict.state(), verdict.description(), oldOutcome, newOutcome);
    return new PullRequestResult(verdict.state(), verdict.description(), oldOutcome, newOutcome);
  }

  @Override
  public PullRequestStatus status() {
    if (status == null) {
      return null;
    }
    return new PullRequestStatus(
        status.state(),
        status.description(),
        status.oldRunId(),
        status.newRunId(),
        status.old(),
        status.current(),
        old == null ? null : old.run(),
        head == null ? null : head.run());
  }

  @Override
  public void runChanged(RunUpdate update) {
    for (PullRequestSide side : new PullRequestSide[] {old, head}) {
      if (side != null && side.runId().equals(update.runId())) {
        side.reported(update);
      }
    }
  }

  private void report(
      PullRequestCheck check,
      CommitState state,
      String description,
      SideOutcome old,
      SideOutcome current) {
    String id = Workflow.getInfo().getWorkflowId();
    status =
        new PullRequestStatus(
            state, description, id + "-old", id + "-new", old, current, null, null);
    statuses.setStatus(new CommitStatus(check.repo(), check.newSha(), state, description, id));
  }

  private static RunRequest request(PullRequestCheck check, String sha) {
    ObjectNode input =
        JsonNodeFactory.instance.objectNode().put("cloneUrl", check.cloneUrl()).put("sha", sha);
    if (check.command() != null) {
      input.put("command", check.command());
    }
    return new RunRequest(
        Workload.PR_CHECK.id(), input, check.compute(), check.timeouts(), 0, null, null);
  }
}
