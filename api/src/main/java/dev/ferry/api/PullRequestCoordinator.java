package dev.ferry.api;

import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One per pull request, started with signal-with-start by every trigger: starts the check of each
 * pushed head as a child, cancels the check of an older head, and ends when the latest check has.
 */
@WorkflowInterface
public interface PullRequestCoordinator {

  @WorkflowMethod
  void coordinate();

  /** A head was pushed: check it, unless it is the one being checked. */
  @SignalMethod
  void pushed(PullRequestCheck check);
}
