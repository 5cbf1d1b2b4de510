package dev.ferry.external;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.api.Progress;
import dev.ferry.api.ShellInput;
import dev.ferry.api.ShellOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
  void heartbeatsAtMostEverySecondWhileTheCommandIsSilent(@TempDir Path dir) throws Exception {
    Path gate = dir.resolve("gate");
    List<Long> at = new CopyOnWriteArrayList<>();
    HeartbeatReporter openAfterTwo =
        (progress, checkpoint) -> {
          reports.add(progress);
          at.add(System.nanoTime());
          if (reports.size() >= 2 && progress.message().equals("started")) {
            createIfAbsent(gate);
          }
        };

    workload.run(new ShellInput("echo started; " + awaitFile(gate)), null, openAfterTwo);

    assertThat(reports).hasSizeGreaterThanOrEqualTo(2);
    assertThat(reports.getLast()).isEqualTo(new Progress(1, 0, "started"));
    for (int i = 1; i < at.size(); i++) {
      assertThat(Duration.ofNanos(at.get(i) - at.get(i - 1)))
          .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }
  }

  @Test
  void givesTheCommandNoInput() throws Exception {
    JsonNode output = workload.run(new ShellInput("cat; echo read-all"), null, recorder);

    assertThat(output.get("tail").get(0).asText()).isEqualTo("read-all");
  }

  @Test
  void stopsTheCommandAndItsChildrenWhenHeartbeatingFails(@TempDir Path dir) throws Exception {
    Path pids = dir.resolve("pids");
    // Heartbeats succeed until the command has written its pids, then fail as on cancellation.
    HeartbeatReporter cancelledOncePidsAreWritten =
        (progress, checkpoint) -> {
          if (Files.exists(pids)) {
            throw new IllegalStateException("cancelled");
          }
        };

    assertThatThrownBy(
            () ->
                workload.run(
                    new ShellInput(
                        "sleep 60 & echo $$ $! > "
                            + pids
                            + ".tmp && mv "
                            + pids
                            + ".tmp "
                            + pids
                            + "; wait"),
                    null,
                    cancelledOncePidsAreWritten))
        .hasMessage("cancelled");

    for (String pid : Files.readString(pids).trim().split(" ")) {
      assertThat(ProcessHandle.of(Long.parseLong(pid)).filter(ProcessHandle::isAlive))
          .as("process %s", pid)
          .isEmpty();
    }
  }

  /** A command that waits until the file exists, for at most 30 s. */
  private static String awaitFile(Path file) {
    return "i=0; while [ ! -e " + file + " ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done";
  }

  private static void createIfAbsent(Path file) {
    try {
      Files.createFile(file);
    } catch (FileAlreadyExistsException e) {
      // Opened by an earlier heartbeat.
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
