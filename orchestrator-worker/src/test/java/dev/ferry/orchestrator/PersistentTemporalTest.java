package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The choices {@code ferry server} makes before any Temporal process runs. */
class PersistentTemporalTest {

  @TempDir Path dir;

  private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
  private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

  private final TemporalCli.Installer noPython =
      (venv, out) -> {
        throw new IOException("cannot run python3 (No such file or directory)");
      };

  private final TemporalCli.Installer mustNotInstall =
      (venv, out) -> {
        throw new AssertionError("nothing should be installed");
      };

  @Test
  void aConfiguredAddressStartsNothing() {
    assertThat(
            PersistentTemporal.forServer(
                Map.of("TEMPORAL_ADDRESS", "temporal.example:7233", "HOME", dir.toString()),
                mustNotInstall,
                err))
        .isEmpty();
    assertThat(err()).contains("Temporal at temporal.example:7233 (TEMPORAL_ADDRESS)");
    assertThat(dir.resolve(".local/share/ferry")).doesNotExist();
  }

  @Test
  void inMemoryOnRequestSaysRunsWillNotSurviveARestart() {
    assertThat(
            PersistentTemporal.forServer(
                Map.of("FERRY_TEMPORAL", "memory", "HOME", dir.toString()), mustNotInstall, err))
        .isEmpty();
    assertThat(err()).contains("in-memory Temporal test server", "will not survive a restart");
  }

  @Test
  void withNoCliToBeHadItFallsBackToMemorySaysWhyAndReleasesTheDataDirectory() {
    Map<String, String> env =
        Map.of(
            "HOME", dir.toString(), "PATH", "", "FERRY_DATA_DIR", dir.resolve("data").toString());

    assertThat(PersistentTemporal.forServer(env, noPython, err)).isEmpty();

    assertThat(err())
        .contains("installing it once with pip")
        .contains("cannot run python3")
        .contains("falling back to the in-memory Temporal test server")
        .contains("runs will not survive a restart");
    DataDirLock.acquire(dir.resolve("data")).close();
  }

  private String err() {
    return errBytes.toString(StandardCharsets.UTF_8);
  }
}
