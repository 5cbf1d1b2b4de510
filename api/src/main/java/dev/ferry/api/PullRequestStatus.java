package dev.ferry.api;

/**
 * A pull-request check as its {@code status} query sees it. Each side's phase and progress come
 * from its own run's {@code status} query, by the ids given here.
 *
 * @param state the commit status so far
 * @param description what the commit status says
 * @param oldRunId the workflow id of the base's run
 * @param newRunId the workflow id of the head's run
 * @param old the base's outcome; null while it runs
 * @param current the head's outcome; null while it runs
 */
public record PullRequestStatus(
    CommitState state,
    String description,
    String oldRunId,
    String newRunId,
    SideOutcome old,
    SideOutcome current) {}
