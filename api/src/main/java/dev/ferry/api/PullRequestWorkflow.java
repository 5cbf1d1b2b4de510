package dev.ferry.api;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One check of a pull request: sets a pending commit status, runs the check on the base and the
 * head commit in parallel (two child {@link RunWorkflow}s, two computes), compares them and sets
 * the final status. Its sides report their progress to it (see {@link RunObserver}), so that its
 * {@code status} shows both.
 */
@WorkflowInterface
public interface PullRequestWorkflow extends RunObserver {

  @WorkflowMethod
  PullRequestResult check(PullRequestCheck check);

  @QueryMethod
  PullRequestStatus status();
}
