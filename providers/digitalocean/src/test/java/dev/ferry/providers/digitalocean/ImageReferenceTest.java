package dev.ferry.providers.digitalocean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ImageReferenceTest {

  @Test
  void readsDigitalOceansOwnRegistry() {
    assertThat(ImageReference.parse("registry.digitalocean.com/ferry/external-worker:1.2"))
        .isEqualTo(new ImageReference("DOCR", null, "external-worker", "1.2", null));
  }

  @Test
  void readsDockerHubWithAndWithoutNamespace() {
    assertThat(ImageReference.parse("busybox"))
        .isEqualTo(new ImageReference("DOCKER_HUB", "library", "busybox", "latest", null));
    assertThat(ImageReference.parse("docker.io/ferrydev/worker:3"))
        .isEqualTo(new ImageReference("DOCKER_HUB", "ferrydev", "worker", "3", null));
  }

  @Test
  void readsGitHubsRegistryAndDigests() {
    assertThat(ImageReference.parse("ghcr.io/acme/ferry/worker@sha256:abc"))
        .isEqualTo(new ImageReference("GHCR", "acme", "ferry/worker", null, "sha256:abc"));
  }

  @Test
  void takesTheReferenceARunPinnedInDigitalOceansRegistry() {
    String digest = "sha256:" + "0a".repeat(32);

    assertThat(ImageReference.parse("registry.digitalocean.com/ferry/external-worker@" + digest))
        .isEqualTo(new ImageReference("DOCR", null, "external-worker", null, digest));
    assertThat(CloudInit.registryHost("registry.digitalocean.com/ferry/external-worker@" + digest))
        .isEqualTo("registry.digitalocean.com");
  }

  @Test
  void refusesARegistryAppPlatformCannotPullFrom() {
    assertThatThrownBy(() -> ImageReference.parse("127.0.0.1:5000/ferry/worker:1"))
        .hasMessageContaining("127.0.0.1:5000")
        .hasMessageContaining("Docker Hub or GHCR");
    assertThatThrownBy(() -> ImageReference.parse("registry.digitalocean.com/worker"))
        .hasMessageContaining("REGISTRY/REPOSITORY");
  }

  @Test
  void givesCredentialsOnlyWhereTheSpecificationTakesThem() {
    assertThat(ImageReference.parse("ghcr.io/acme/worker:1").toSource("u:t").registryCredentials())
        .isEqualTo("u:t");
    assertThat(
            ImageReference.parse("registry.digitalocean.com/r/worker:1")
                .toSource("u:t")
                .registryCredentials())
        .isNull();
  }
}
