package dev.ferry.api;

/**
 * A pull-request check as its {@code status} query sees it: the commit status so far and each
 * side's run, live while it runs (as the side last reported it) and in its final phase once it has
 * ended. A side's timings and teardown receipts are in its own run's {@code status}, by the ids
 * given here.
 *
 * @param state the commit status so far
 * @param description what the commit status says
 * @param oldRunId the workflow id of the base's run
 * @param newRunId the workflow id of the head's run
 * @param old the base's outcome; null while it runs
 * @param current the head's outcome; null while it runs
 * @param oldRun the base's run: phase, attempt, compute, progress; null before it first reported
 * @param newRun the head's run, likewise
 */
public record PullRequestStatus(
    CommitState state,
    String description,
    String oldRunId,
    String newRunId,
    SideOutcome old,
    SideOutcome current,
    RunUpdate oldRun,
    RunUpdate newRun) {}
