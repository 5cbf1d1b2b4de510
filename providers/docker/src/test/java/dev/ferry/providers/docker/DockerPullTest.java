package dev.ferry.providers.docker;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.exception.NotFoundException;
import dev.ferry.api.ComputeSpec;
import dev.ferry.api.ProvisionRequest;
import dev.ferry.providers.ProviderException;
import dev.ferry.providers.registry.RegistryCredentials;
import dev.ferry.providers.registry.TestRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pulls from a real registry with htpasswd auth, through the engine, failing by cause. */
class DockerPullTest {

  private static final String ABSENT_DIGEST = "sha256:" + "0".repeat(64);

  private TestRegistry registry;

  @BeforeEach
  void needsAnEngineAndARegistry() {
    DockerTestEngine.provider();
    registry = TestRegistry.get();
  }

  private DockerComputeProvider provider(Path dockerConfig) {
    DockerSettings settings = DockerSettings.fromEnv(DockerTestEngine.env());
    return new DockerComputeProvider(
        DockerProviderFactory.client(settings),
        settings,
        new RegistryCredentials(dockerConfig.resolve("config.json")));
  }

  private static ProvisionRequest request(String name, String image) {
    return new ProvisionRequest(
        name,
        "q-" + name,
        new ComputeSpec("docker", image, 0, 0, null, Map.of()),
        Map.of("ferry.test", "docker-pull"),
        Instant.now().plusSeconds(600));
  }

  @Test
  void refusedCredentialsAreAnAuthErrorAndCreateNoContainer() throws Exception {
    String image = registry.address() + "/ferry/absent@" + ABSENT_DIGEST;
    String name = "ferry-pull-auth-" + System.nanoTime();
    try (var provider = provider(registry.dockerConfig("pull-wrong", "wrong-password"))) {

      assertThatThrownBy(() -> provider.provision(request(name, image)))
          .isInstanceOf(ProviderException.Auth.class)
          .hasMessageContaining("image " + image + " is not on this engine")
          .hasMessageContaining("unauthorized");
    }
    assertThatThrownBy(() -> DockerTestEngine.client().inspectContainerCmd(name).exec())
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void anImageTheRegistryDoesNotHaveIsAnInvalidSpecAndCreatesNoContainer() throws Exception {
    String image = registry.address() + "/ferry/absent@" + ABSENT_DIGEST;
    String name = "ferry-pull-missing-" + System.nanoTime();
    try (var provider = provider(registry.dockerConfig("pull-good", TestRegistry.PASSWORD))) {

      assertThatThrownBy(() -> provider.provision(request(name, image)))
          .isInstanceOf(ProviderException.InvalidSpec.class)
          .hasMessageContaining("image " + image + " is not on this engine")
          .hasMessageContaining("manifest unknown");
    }
    assertThatThrownBy(() -> DockerTestEngine.client().inspectContainerCmd(name).exec())
        .isInstanceOf(NotFoundException.class);
  }
}
