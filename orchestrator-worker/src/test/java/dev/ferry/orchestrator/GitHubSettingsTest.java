package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class GitHubSettingsTest {

  @Test
  void defaultsToThePublicApiAndTheHttpApiOnLoopback() {
    GitHubSettings settings = GitHubSettings.fromEnvironment(Map.of());

    assertThat(settings)
        .isEqualTo(
            new GitHubSettings("https://api.github.com", null, null, "http://127.0.0.1:6007"));
  }

  @Test
  void theDefaultPublicUrlFollowsFerryHttpPort() {
    assertThat(GitHubSettings.fromEnvironment(Map.of("FERRY_HTTP_PORT", "7007")).publicUrl())
        .isEqualTo("http://127.0.0.1:7007");
  }

  @Test
  void readsEverySettingAndDropsATrailingSlash() {
    GitHubSettings settings =
        GitHubSettings.fromEnvironment(
            Map.of(
                "GITHUB_API_URL", "https://ghe.example/api/v3/",
                "GITHUB_TOKEN", " t ",
                "GITHUB_WEBHOOK_SECRET", "s",
                "FERRY_PUBLIC_URL", "https://ferry.example/"));

    assertThat(settings)
        .isEqualTo(
            new GitHubSettings("https://ghe.example/api/v3", "t", "s", "https://ferry.example"));
  }
}
