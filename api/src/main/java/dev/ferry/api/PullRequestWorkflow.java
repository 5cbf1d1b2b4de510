package dev.ferry.api;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One check of a pull request: sets a pending commit status, runs the check on the base and the
 * head commit in parallel (two child {@link RunWorkflow}s, two computes), compares them and sets
 * the final status.
 */
@WorkflowInterface
public interface PullRequestWorkflow {

  @WorkflowMethod
  PullRequestResult check(PullRequestCheck check);

  @QueryMethod
  PullRequestStatus status();
}
