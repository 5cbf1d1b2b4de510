package dev.ferry.providers.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.providers.ProviderException;
import dev.ferry.providers.ProviderRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DockerProviderFactoryTest {

  @Test
  void isFoundByTheRegistryNextToLocal() {
    assertThat(ProviderRegistry.load(Map.of()).ids()).contains("docker", "local");
  }

  @Test
  void readsItsSettingsWithDefaults() {
    assertThat(DockerSettings.fromEnv(Map.of()))
        .isEqualTo(
            new DockerSettings(
                URI.create("unix:///var/run/docker.sock"), "host", Duration.ofSeconds(10)));
    DockerSettings set =
        DockerSettings.fromEnv(
            Map.of(
                "DOCKER_HOST", "tcp://127.0.0.1:2375",
                "FERRY_DOCKER_NETWORK", "none",
                "FERRY_DOCKER_STOP_GRACE", "PT2.5S"));
    assertThat(set.dockerHost()).isEqualTo(URI.create("tcp://127.0.0.1:2375"));
    assertThat(set.network()).isEqualTo("none");
    assertThat(set.stopGraceSeconds()).isEqualTo(3);
  }

  @Test
  void anAddressWhereNoEngineAnswersIsUnavailableNamingIt() {
    // Retryable: an engine that is restarting answers a moment later.
    assertThatThrownBy(
            () -> new DockerProviderFactory().create(Map.of("DOCKER_HOST", "tcp://127.0.0.1:9")))
        .isInstanceOf(ProviderException.Unavailable.class)
        .hasMessageContaining("DOCKER_HOST=tcp://127.0.0.1:9")
        .hasMessageContaining("no Docker engine answers");
    assertThatThrownBy(
            () ->
                new DockerProviderFactory()
                    .create(Map.of("DOCKER_HOST", "unix:///nonexistent/docker.sock")))
        .isInstanceOf(ProviderException.Unavailable.class)
        .hasMessageContaining("DOCKER_HOST=unix:///nonexistent/docker.sock");
  }

  @Test
  void namesTheBadVariable() {
    assertThatThrownBy(() -> DockerSettings.fromEnv(Map.of("FERRY_DOCKER_STOP_GRACE", "10s")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("FERRY_DOCKER_STOP_GRACE")
        .hasMessageContaining("'10s'");
    assertThatThrownBy(() -> DockerSettings.fromEnv(Map.of("FERRY_DOCKER_STOP_GRACE", "-PT1S")))
        .hasMessageContaining("FERRY_DOCKER_STOP_GRACE");
    assertThatThrownBy(() -> DockerSettings.fromEnv(Map.of("DOCKER_HOST", "not a uri")))
        .hasMessageContaining("DOCKER_HOST");
    assertThatThrownBy(() -> DockerSettings.fromEnv(Map.of("FERRY_DOCKER_NETWORK", " ")))
        .hasMessageContaining("FERRY_DOCKER_NETWORK");
  }
}
