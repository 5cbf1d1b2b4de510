package dev.ferry.providers.docker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DockerImagesTest {

  @Test
  void pullsOneTagNeverAll() {
    assertThat(DockerImages.withTag("ferry/worker")).isEqualTo("ferry/worker:latest");
    assertThat(DockerImages.withTag("127.0.0.1:5000/ferry/worker"))
        .isEqualTo("127.0.0.1:5000/ferry/worker:latest");
    assertThat(DockerImages.withTag("127.0.0.1:9/ferry/missing:1"))
        .isEqualTo("127.0.0.1:9/ferry/missing:1");
    assertThat(DockerImages.withTag("ferry/worker@sha256:abc"))
        .isEqualTo("ferry/worker@sha256:abc");
  }
}
