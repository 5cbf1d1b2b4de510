package dev.ferry.api;

import io.temporal.activity.ActivityInterface;

/**
 * Sets commit statuses, through GitHub's REST API when the orchestrator has a token and into its
 * log otherwise. Idempotent: GitHub keeps the latest status per context, so a retry sets the same.
 */
@ActivityInterface
public interface CommitStatusActivities {

  void setStatus(CommitStatus status);
}
