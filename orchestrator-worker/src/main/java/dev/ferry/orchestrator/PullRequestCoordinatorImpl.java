package dev.ferry.orchestrator;

import dev.ferry.api.PullRequestCheck;
import dev.ferry.api.PullRequestCoordinator;
import dev.ferry.api.PullRequestResult;
import dev.ferry.api.PullRequestWorkflow;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.ChildWorkflowCancellationType;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;

/**
 * Keeps one check running per pull request: each pushed head starts its check as a child with the
 * id of repository + pull request + head commit (so the same head twice is one check), and cancels
 * the check of the head before it, which tears that check's computes down.
 */
public class PullRequestCoordinatorImpl implements PullRequestCoordinator {

  private static final Logger log = Workflow.getLogger(PullRequestCoordinatorImpl.class);

  private final Deque<PullRequestCheck> pushes = new ArrayDeque<>();
  private final List<Promise<PullRequestResult>> checks = new ArrayList<>();
  private String latestSha;
  private CancellationScope latest;

  @Override
  public void coordinate() {
    while (true) {
      Workflow.await(() -> !pushes.isEmpty() || checks.stream().allMatch(Promise::isCompleted));
      if (pushes.isEmpty()) {
        // Every check has ended, superseded ones included: nothing is left to cancel.
        return;
      }
      PullRequestCheck check = pushes.poll();
      if (check.newSha().equals(latestSha)) {
        continue;
      }
      if (latest != null) {
        log.info("{} supersedes the check of {}", check.newSha(), latestSha);
        latest.cancel();
      }
      PullRequestWorkflow child =
          Workflow.newChildWorkflowStub(
              PullRequestWorkflow.class,
              ChildWorkflowOptions.newBuilder()
                  .setWorkflowId(check.workflowId())
                  .setWorkflowIdReusePolicy(
                      WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
                  .setCancellationType(ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED)
                  .build());
      latestSha = check.newSha();
      latest = Workflow.newCancellationScope(() -> checks.add(Async.function(child::check, check)));
      latest.run();
    }
  }

  @Override
  public void pushed(PullRequestCheck check) {
    pushes.add(check);
  }
}
