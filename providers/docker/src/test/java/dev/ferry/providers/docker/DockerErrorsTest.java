package dev.ferry.providers.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.exception.BadRequestException;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.InternalServerErrorException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.UnauthorizedException;
import dev.ferry.api.ComputeHandle;
import dev.ferry.providers.LabelSelector;
import dev.ferry.providers.ProviderException;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DockerErrorsTest {

  private final DockerErrors errors = new DockerErrors("unix:///var/run/docker.sock");

  @Test
  void translatesTheEnginesAnswers() {
    assertThat(translate(new NotFoundException("Status 404: {\"message\":\"No such image\"}")))
        .isInstanceOf(ProviderException.NotFound.class)
        .hasMessage("docker: doing it: No such image");
    assertThat(translate(new BadRequestException("Minimum memory limit allowed is 6MB")))
        .isInstanceOf(ProviderException.InvalidSpec.class);
    assertThat(translate(new UnauthorizedException("login first")))
        .isInstanceOf(ProviderException.Auth.class);
    assertThat(translate(new DockerException("denied by authorization plugin", 403)))
        .isInstanceOf(ProviderException.Auth.class);
    assertThat(translate(new ConflictException("removal already in progress")))
        .isInstanceOf(ProviderException.Unavailable.class);
    assertThat(translate(new InternalServerErrorException("containerd is down")))
        .isInstanceOf(ProviderException.Unavailable.class)
        .hasMessageContaining("DOCKER_HOST=unix:///var/run/docker.sock")
        .hasMessageContaining("containerd is down");
  }

  @Test
  void translatesAnUnreachableEngineToUnavailable() {
    RuntimeException refused = new RuntimeException(new ConnectException("Connection refused"));

    assertThat(translate(refused))
        .isInstanceOf(ProviderException.Unavailable.class)
        .hasMessage(
            "the Docker engine at DOCKER_HOST=unix:///var/run/docker.sock is unreachable"
                + " (doing it): ConnectException: Connection refused")
        .hasCause(refused);
  }

  @Test
  void translatesAClientSideFailureToUnavailable() {
    var failure = new DockerClientException("response ended early");

    assertThat(translate(failure))
        .isInstanceOf(ProviderException.Unavailable.class)
        .hasMessage(
            "the Docker engine at DOCKER_HOST=unix:///var/run/docker.sock failed doing it:"
                + " response ended early")
        .hasCause(failure);
  }

  @Test
  void keepsAMessageThatIsNotTheEnginesJson() {
    assertThat(DockerErrors.reason(new DockerException("not json", 400)))
        .isEqualTo("Status 400: not json");
    assertThat(DockerErrors.reason(new DockerException("{\"message\":\"cut", 400)))
        .isEqualTo("Status 400: {\"message\":\"cut");
  }

  @Test
  void leavesOtherFailuresAlone() {
    var bug = new IllegalStateException("a bug");
    var neutral = new ProviderException.InvalidSpec("already neutral");

    assertThat(translate(bug)).isSameAs(bug);
    assertThat(translate(neutral)).isSameAs(neutral);
  }

  @Test
  void aProviderWhoseEngineIsDownSaysWhichEngine() throws Exception {
    var settings =
        new DockerSettings(URI.create("tcp://127.0.0.1:9"), "host", Duration.ofSeconds(1));
    try (var provider =
        new DockerComputeProvider(DockerProviderFactory.client(settings), settings)) {

      assertThatThrownBy(() -> provider.describe(ComputeHandle.named("docker", "ferry-x-a1")))
          .isInstanceOf(ProviderException.Unavailable.class)
          .hasMessageContaining("DOCKER_HOST=tcp://127.0.0.1:9");
      assertThatThrownBy(() -> provider.list(LabelSelector.managed()))
          .isInstanceOf(ProviderException.Unavailable.class);
    }
  }

  private RuntimeException translate(RuntimeException e) {
    return errors.translate("doing it", e);
  }
}
