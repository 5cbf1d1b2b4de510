package dev.ferry.providers.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectContainerResponse.ContainerState;
import dev.ferry.api.ComputeState;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every state Docker reports, as the engine's JSON would carry it; no engine needed. */
class DockerStatesTest {

  private static final String STARTED = "2026-01-01T10:00:00.5Z";
  private static final String NEVER = "0001-01-01T00:00:00Z";
  private static final ObjectMapper json =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  @Test
  void mapsEveryDockerState() {
    Map<String, ComputeState> expected =
        Map.of(
            "created", new ComputeState.Pending("created"),
            "restarting", new ComputeState.Pending("restarting"),
            "running", new ComputeState.Running(),
            "removing", new ComputeState.Exited(0),
            "paused", new ComputeState.Pending("paused"),
            "exited", new ComputeState.Exited(0),
            "dead", new ComputeState.Failed("dead"));

    expected.forEach(
        (status, state) ->
            assertThat(DockerStates.toComputeState(state(status, 0, false, "", STARTED)))
                .as(status)
                .isEqualTo(state));
  }

  @Test
  void keepsTheExitCodeOfAnExitedContainer() {
    ContainerState exited = state("exited", 3, false, "", STARTED);

    assertThat(DockerStates.toComputeState(exited)).isEqualTo(new ComputeState.Exited(3));
    assertThat(DockerStates.exitCode(exited)).isEqualTo(3);
  }

  @Test
  void reportsAnOutOfMemoryKillAsFailed() {
    ComputeState state = DockerStates.toComputeState(state("exited", 137, true, "", STARTED));

    assertThat(state).isInstanceOf(ComputeState.Failed.class);
    assertThat(((ComputeState.Failed) state).reason()).startsWith("out of memory").contains("137");
  }

  @Test
  void reportsAnEngineErrorAsFailed() {
    String error = "exec: \"/worker\": stat /worker: no such file or directory";

    assertThat(DockerStates.toComputeState(state("exited", 127, false, error, STARTED)))
        .isEqualTo(new ComputeState.Failed(error));
    // A failed start leaves the container "created", with the error.
    assertThat(DockerStates.toComputeState(state("created", 127, false, error, NEVER)))
        .isEqualTo(new ComputeState.Failed(error));
    assertThat(DockerStates.toComputeState(state("dead", 0, false, "device busy", STARTED)))
        .isEqualTo(new ComputeState.Failed("dead: device busy"));
  }

  @Test
  void knowsAnExitCodeOnlyOnceTheContainerRanAndEnded() {
    assertThat(DockerStates.exitCode(state("created", 0, false, "", NEVER))).isNull();
    assertThat(DockerStates.exitCode(state("running", 0, false, "", STARTED))).isNull();
    assertThat(DockerStates.exitCode(state("removing", 0, false, "", NEVER))).isNull();
    assertThat(DockerStates.toComputeState(state("removing", 0, false, "", NEVER)))
        .isEqualTo(new ComputeState.Failed("removed before it started"));
  }

  @Test
  void tellsACreatedContainerThatAwaitsItsStart() {
    assertThat(DockerStates.awaitsStart(state("created", 0, false, "", NEVER))).isTrue();
    assertThat(DockerStates.awaitsStart(state("created", 127, false, "no such file", NEVER)))
        .isFalse();
    assertThat(DockerStates.awaitsStart(state("running", 0, false, "", STARTED))).isFalse();
  }

  @Test
  void showsAStateANewerEngineMightAdd() {
    assertThat(DockerStates.toComputeState(state("hibernating", 0, false, "", STARTED)))
        .isEqualTo(new ComputeState.Pending("unknown Docker state 'hibernating'"));
  }

  @Test
  void callsAnEndedContainerWithoutAnExitCodeFailed() throws JsonProcessingException {
    String body =
        """
        {"Id": "abc", "State": {"Status": "exited", "StartedAt": "%s"}}
        """
            .formatted(STARTED);
    ContainerState noCode = json.readValue(body, InspectContainerResponse.class).getState();

    assertThat(DockerStates.toComputeState(noCode))
        .isEqualTo(new ComputeState.Failed("ended without an exit code"));
    assertThat(DockerStates.exitCode(noCode)).isNull();
  }

  /** A state as the engine's inspect JSON carries it. */
  private static ContainerState state(
      String status, int exitCode, boolean oomKilled, String error, String startedAt) {
    boolean running = status.equals("running") || status.equals("paused");
    String body =
        """
        {"Id": "abc", "State": {"Status": "%s", "Running": %b, "Paused": %b, "Restarting": %b,
          "OOMKilled": %b, "Dead": %b, "Pid": 0, "ExitCode": %d, "Error": "%s",
          "StartedAt": "%s", "FinishedAt": "%s"}}
        """
            .formatted(
                status,
                running || status.equals("restarting"),
                status.equals("paused"),
                status.equals("restarting"),
                oomKilled,
                status.equals("dead"),
                exitCode,
                error.replace("\"", "\\\""),
                startedAt,
                startedAt);
    try {
      return json.readValue(body, InspectContainerResponse.class).getState();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
