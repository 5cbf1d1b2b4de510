package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.api.CommitState;
import dev.ferry.api.CommitStatus;
import io.temporal.failure.ApplicationFailure;
import org.junit.jupiter.api.Test;

/** The commit-status client against a GitHub-like server. */
class GitHubStatusesTest {

  private static final String SHA = "0123456789abcdef0123456789abcdef01234567";
  private static final CommitStatus PENDING =
      new CommitStatus("acme/widgets", SHA, CommitState.PENDING, "checking", "pr-acme-widgets-7-x");

  @Test
  void postsTheStatusWithTheContextAndALinkToTheRun() throws Exception {
    try (FakeGitHub github = new FakeGitHub("right")) {
      new GitHubStatuses(new GitHubSettings(github.url(), "right", null, "http://ferry:6007"))
          .setStatus(PENDING);

      assertThat(github.statuses())
          .containsExactly(
              new FakeGitHub.Received(
                  "acme/widgets",
                  SHA,
                  "pending",
                  "checking",
                  "http://ferry:6007/runs/pr-acme-widgets-7-x"));
    }
  }

  @Test
  void aRefusedTokenIsANonRetryableFailure() throws Exception {
    try (FakeGitHub github = new FakeGitHub("right")) {
      GitHubStatuses statuses =
          new GitHubStatuses(new GitHubSettings(github.url(), "wrong", null, "http://ferry:6007"));

      assertThatThrownBy(() -> statuses.setStatus(PENDING))
          .isInstanceOfSatisfying(
              ApplicationFailure.class,
              f -> {
                assertThat(f.isNonRetryable()).isTrue();
                assertThat(f.getType()).isEqualTo(GitHubStatuses.REJECTED);
                assertThat(f.getOriginalMessage()).startsWith("GitHub answered 401");
              });
    }
  }

  @Test
  void withoutATokenNothingIsSent() throws Exception {
    try (FakeGitHub github = new FakeGitHub("right")) {
      new GitHubStatuses(new GitHubSettings(github.url(), null, null, "http://ferry:6007"))
          .setStatus(PENDING);

      assertThat(github.statuses()).isEmpty();
    }
  }

  @Test
  void descriptionsLongerThanGitHubAllowsAreCut() {
    CommitStatus status = new CommitStatus("a/b", SHA, CommitState.FAILURE, "x".repeat(300), "id");

    assertThat(status.description()).hasSize(CommitStatus.MAX_DESCRIPTION).endsWith("…");
  }
}
