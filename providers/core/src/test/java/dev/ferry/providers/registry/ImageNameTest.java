package dev.ferry.providers.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ImageNameTest {

  private static final String DIGEST = "sha256:" + "ab".repeat(32);

  @Test
  void readsRegistryWithPortRepositoryAndTag() {
    ImageName name = ImageName.parse("127.0.0.1:5000/ferry/worker:abc123-dirty");

    assertThat(name)
        .isEqualTo(new ImageName("127.0.0.1:5000", "ferry/worker", "abc123-dirty", null, true));
    assertThat(name.apiBase()).isEqualTo("http://127.0.0.1:5000");
    assertThat(name.pinnedTo(DIGEST)).isEqualTo("127.0.0.1:5000/ferry/worker@" + DIGEST);
  }

  @Test
  void aNameWithoutRegistryIsDockerHubsAndLatest() {
    ImageName name = ImageName.parse("ferry-external-worker");

    assertThat(name)
        .isEqualTo(
            new ImageName("docker.io", "library/ferry-external-worker", "latest", null, false));
    assertThat(name.apiBase()).isEqualTo("https://registry-1.docker.io");
    assertThat(name.pinnedTo(DIGEST)).isEqualTo("ferry-external-worker@" + DIGEST);
    assertThat(ImageName.parse("me/worker:1").repository()).isEqualTo("me/worker");
  }

  @Test
  void aFirstPartWithoutDotOrColonIsPartOfTheRepository() {
    assertThat(ImageName.parse("ferry/worker:1").explicitRegistry()).isFalse();
    assertThat(ImageName.parse("localhost/worker").registry()).isEqualTo("localhost");
    assertThat(ImageName.parse("ghcr.io/owner/worker:1"))
        .isEqualTo(new ImageName("ghcr.io", "owner/worker", "1", null, true));
    assertThat(ImageName.parse("ghcr.io/owner/worker:1").apiBase()).isEqualTo("https://ghcr.io");
  }

  @Test
  void keepsADigestAndAsksForIt() {
    ImageName name = ImageName.parse("registry.digitalocean.com/reg/worker:1@" + DIGEST);

    assertThat(name.pinned()).isTrue();
    assertThat(name.tag()).isEqualTo("1");
    assertThat(name.manifestReference()).isEqualTo(DIGEST);
    assertThat(ImageName.parse("reg.example/worker").manifestReference()).isEqualTo("latest");
    assertThat(ImageName.parse("reg.example/worker").pinned()).isFalse();
  }

  @Test
  void rejectsWhatIsNoReference() {
    assertThatThrownBy(() -> ImageName.parse(" worker"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ImageName.parse("worker:")).hasMessageContaining("empty tag");
    assertThatThrownBy(() -> ImageName.parse("worker@sha256:12"))
        .hasMessageContaining("sha256:<64 hex digits>");
    assertThatThrownBy(() -> ImageName.parse("reg.example/")).hasMessageContaining("no repository");
  }
}
