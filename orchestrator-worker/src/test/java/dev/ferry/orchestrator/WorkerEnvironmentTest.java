package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.api.ComputeSpec;
import dev.ferry.api.Labels;
import dev.ferry.api.ProvisionRequest;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What each compute is given of the orchestrator's credentials. */
class WorkerEnvironmentTest {

  private static final Map<String, String> ORCHESTRATOR =
      Map.of("TEMPORAL_API_KEY", "api-key-123456", "GITHUB_TOKEN", "ghp_statuses_and_clone");

  private static ProvisionRequest request(String workload) {
    return new ProvisionRequest(
        "ferry-x-a1",
        "ferry-x-a1",
        ComputeSpec.defaults().withProvider("docker"),
        Map.of(Labels.WORKLOAD, workload),
        Instant.parse("2026-11-22T10:00:00Z"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"primes", "shell"})
  void aWorkloadThatClonesNothingGetsNoGitToken(String workload) {
    Map<String, String> env =
        new WorkerEnvironment("temporal.example:7233", "ns", ORCHESTRATOR)
            .forRequest(request(workload));

    assertThat(env)
        .containsEntry("TEMPORAL_API_KEY", "api-key-123456")
        .doesNotContainKeys(WorkerEnvironment.GIT_TOKEN, WorkerEnvironment.GIT_TOKEN_HOSTS)
        .doesNotContainValue("ghp_statuses_and_clone");
  }

  @org.junit.jupiter.api.Test
  void aPullRequestCheckGetsTheGitTokenAndTheHostsItMayGoTo() {
    Map<String, String> env =
        new WorkerEnvironment("temporal.example:7233", "ns", ORCHESTRATOR)
            .forRequest(request("pr-check"));

    assertThat(env)
        .containsEntry(WorkerEnvironment.GIT_TOKEN, "ghp_statuses_and_clone")
        .containsEntry(WorkerEnvironment.GIT_TOKEN_HOSTS, "github.com");
  }

  @org.junit.jupiter.api.Test
  void ferrysOwnGitTokenAndHostsWinOverGitHubsToken() {
    Map<String, String> env =
        new WorkerEnvironment(
                "temporal.example:7233",
                "ns",
                Map.of(
                    "GITHUB_TOKEN",
                    "ghp_statuses_only",
                    WorkerEnvironment.GIT_TOKEN,
                    "clone-only-token",
                    WorkerEnvironment.GIT_TOKEN_HOSTS,
                    "git.example.org"))
            .forRequest(request("pr-check"));

    assertThat(env)
        .containsEntry(WorkerEnvironment.GIT_TOKEN, "clone-only-token")
        .containsEntry(WorkerEnvironment.GIT_TOKEN_HOSTS, "git.example.org")
        .doesNotContainValue("ghp_statuses_only");
  }
}
