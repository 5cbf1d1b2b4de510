package dev.ferry.external;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.api.Progress;
import dev.ferry.api.ShellInput;
import dev.ferry.api.ShellOutput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShellWorkloadTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ShellWorkload workload = new ShellWorkload();
  private final List<Progress> reports = new CopyOnWriteArrayList<>();
  private final HeartbeatReporter recorder = (progress, checkpoint) -> reports.add(progress);

  @Test
  void returnsTheLastFiftyLinesOfOutputAndErrors() throws Exception {
    JsonNode output = workload.run(new ShellInput("seq 1 60; echo oops >&2"), null, recorder);

    ShellOutput shell = JSON.treeToValue(output, ShellOutput.class);
    assertThat(shell.exitCode()).isZero();
    assertThat(shell.tail())
        .hasSize(ShellWorkload.TAIL_LINES)
        .startsWith("12")
        .endsWith("60", "oops");
  }

  @Test
  void failsWithTheExitCodeAndTheTail() {
    assertThatThrownBy(
            () -> workload.run(new ShellInput("echo working; echo broken; exit 7"), null, recorder))
        .isInstanceOfSatisfying(
            WorkloadFailedException.class,
            e -> {
              assertThat(e).hasMessage("command exited with code 7: broken");
              assertThat(e.details()).isEqualTo(new ShellOutput(7, List.of("working", "broken")));
            });
  }

  @Test
  void heartbeatsEverySecondWhileTheCommandIsSilent() throws Exception {
    workload.run(new ShellInput("echo started; sleep 2.5"), null, recorder);

    assertThat(reports).hasSizeGreaterThanOrEqualTo(2);
    assertThat(reports.getLast()).isEqualTo(new Progress(1, 0, "started"));
  }

  @Test
  void givesTheCommandNoInput() throws Exception {
    JsonNode output = workload.run(new ShellInput("cat; echo read-all"), null, recorder);

    assertThat(output.get("tail").get(0).asText()).isEqualTo("read-all");
  }

  @Test
  void stopsTheCommandAndItsChildrenWhenHeartbeatingFails(@TempDir Path dir) throws Exception {
    Path pids = dir.resolve("pids");
    HeartbeatReporter cancelled =
        (progress, checkpoint) -> {
          throw new IllegalStateException("cancelled");
        };

    assertThatThrownBy(
            () ->
                workload.run(
                    new ShellInput("sleep 60 & echo $$ $! > " + pids + "; wait"), null, cancelled))
        .hasMessage("cancelled");

    for (String pid : Files.readString(pids).trim().split(" ")) {
      assertThat(ProcessHandle.of(Long.parseLong(pid)).filter(ProcessHandle::isAlive))
          .as("process %s", pid)
          .isEmpty();
    }
  }
}
