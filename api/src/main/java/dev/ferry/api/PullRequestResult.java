package dev.ferry.api;

/**
 * The end of a pull-request check: the final commit status and each side.
 *
 * @param state the final commit status
 * @param description what it says
 * @param old the base
 * @param current the head
 */
public record PullRequestResult(
    CommitState state, String description, SideOutcome old, SideOutcome current) {}
