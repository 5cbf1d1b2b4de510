package dev.ferry.api;

/**
 * One commit status to set.
 *
 * @param repo {@code OWNER/NAME}
 * @param sha the commit
 * @param state the state
 * @param description at most {@value #MAX_DESCRIPTION} characters, as GitHub allows; longer is cut
 * @param runId the workflow id the status links to
 */
public record CommitStatus(
    String repo, String sha, CommitState state, String description, String runId) {

  public static final int MAX_DESCRIPTION = 140;

  /** The status context: the name the status has on the pull request. */
  public static final String CONTEXT = "ferry/pr-check";

  public CommitStatus {
    if (repo == null || sha == null || state == null || runId == null) {
      throw new IllegalArgumentException("repo, sha, state and runId must be set");
    }
    description = description == null ? "" : description;
    if (description.length() > MAX_DESCRIPTION) {
      description = description.substring(0, MAX_DESCRIPTION - 1) + "…";
    }
  }
}
