package dev.ferry.api;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One check of a pull request: the repository's check on the base and on the head commit.
 *
 * @param repo {@code OWNER/NAME}
 * @param pr the pull request's number
 * @param oldSha the base commit
 * @param newSha the head commit
 * @param cloneUrl where the compute clones from; null for {@code https://github.com/OWNER/NAME.git}
 * @param command the check command; null for the repository's {@value PrCheckInput#CHECK_FILE}
 * @param compute where both sides run
 * @param timeouts per-attempt limits of both sides
 */
public record PullRequestCheck(
    String repo,
    int pr,
    String oldSha,
    String newSha,
    String cloneUrl,
    String command,
    ComputeSpec compute,
    RunTimeouts timeouts) {

  private static final Pattern REPO = Pattern.compile("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+");
  private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}");

  public PullRequestCheck {
    if (repo == null || !REPO.matcher(repo).matches()) {
      throw new IllegalArgumentException("repo must be OWNER/NAME, was '" + repo + "'");
    }
    if (pr <= 0) {
      throw new IllegalArgumentException("pr must be a positive number, was " + pr);
    }
    oldSha = sha("old", oldSha);
    newSha = sha("new", newSha);
    cloneUrl =
        cloneUrl == null || cloneUrl.isBlank() ? "https://github.com/" + repo + ".git" : cloneUrl;
    command = command == null || command.isBlank() ? null : command;
    compute = compute == null ? ComputeSpec.defaults() : compute;
    timeouts = timeouts == null ? RunTimeouts.defaults() : timeouts;
    // Fails here, with the field named, rather than later on the compute.
    new PrCheckInput(cloneUrl, newSha, command, null);
  }

  /** The check's workflow id: one per repository, pull request and head commit. */
  public String workflowId() {
    return prefix(repo, pr) + newSha.substring(0, 12);
  }

  /** The pull request's coordinator workflow id, one per repository and pull request. */
  public String coordinatorId() {
    return prefix(repo, pr) + "latest";
  }

  private static String prefix(String repo, int pr) {
    return "pr-" + repo.toLowerCase(Locale.ROOT).replace('/', '-') + "-" + pr + "-";
  }

  private static String sha(String field, String sha) {
    String value = sha == null ? null : sha.strip().toLowerCase(Locale.ROOT);
    if (value == null || !SHA.matcher(value).matches()) {
      throw new IllegalArgumentException(
          field + " must be a full 40-character hex commit id, was '" + sha + "'");
    }
    return value;
  }
}
