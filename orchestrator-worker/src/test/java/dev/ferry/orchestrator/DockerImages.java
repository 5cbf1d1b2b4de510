package dev.ferry.orchestrator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Docker engine as the end-to-end tests use it, through the docker CLI: the external-worker
 * image built from Dockerfile.external on a locally made base image (nothing can be pulled).
 */
final class DockerImages {

  static final String BASE = "ferry-jre-base:local";
  static final String WORKER = "ferry-external-worker:e2e";
  static final String CALLBACK = "ferry-callback-example:e2e";
  private static boolean built;
  private static boolean callbackBuilt;

  private DockerImages() {}

  static boolean engineAnswers() {
    try {
      return run(List.of("docker", "info", "--format", "{{.ServerVersion}}")).exitCode() == 0;
    } catch (UncheckedIOException e) {
      return false;
    }
  }

  /** Builds the worker image from the jar this build just made, on the local base image. */
  static synchronized String workerImage() {
    if (!built) {
      ensureBase();
      check(
          run(
              List.of(
                  "docker",
                  "build",
                  "--network",
                  "none",
                  "-q",
                  "-f",
                  FerryProcesses.ROOT.resolve("Dockerfile.external").toString(),
                  "--build-arg",
                  "BASE_IMAGE=" + BASE,
                  "-t",
                  WORKER,
                  FerryProcesses.ROOT.toString())));
      built = true;
    }
    return WORKER;
  }

  /**
   * Builds the callback-mode example image ({@code docs/examples/Dockerfile.callback}) on the local
   * base image, which must have curl and the tools the example script uses.
   *
   * @throws AssertionError naming {@code .ci/base-image} when the base image lacks them
   */
  static synchronized String callbackImage() {
    if (!callbackBuilt) {
      ensureBase();
      Result tools =
          run(
              List.of(
                  "docker",
                  "run",
                  "--rm",
                  "--network",
                  "none",
                  "--entrypoint",
                  "sh",
                  BASE,
                  "-c",
                  "for t in curl awk sed tail mktemp; do command -v $t >/dev/null || echo $t; done"));
      if (tools.exitCode() != 0 || !tools.stdout().isBlank()) {
        throw new AssertionError(
            BASE
                + " lacks what callback mode needs ("
                + tools.stdout().strip().replace('\n', ' ')
                + "): rebuild it with .ci/base-image "
                + BASE);
      }
      Path examples = FerryProcesses.ROOT.resolve("docs/examples");
      check(
          run(
              List.of(
                  "docker",
                  "build",
                  "--network",
                  "none",
                  "-q",
                  "-f",
                  examples.resolve("Dockerfile.callback").toString(),
                  "--build-arg",
                  "BASE_IMAGE=" + BASE,
                  "-t",
                  CALLBACK,
                  examples.toString())));
      callbackBuilt = true;
    }
    return CALLBACK;
  }

  private static void ensureBase() {
    if (run(List.of("docker", "image", "inspect", BASE)).exitCode() != 0) {
      check(run(List.of(FerryProcesses.ROOT.resolve(".ci/base-image").toString(), BASE)));
    }
  }

  /** Containers (running or not) that carry this label. */
  static List<String> containers(String label) {
    Result result = check(run(List.of("docker", "ps", "-aq", "--filter", "label=" + label)));
    return result.stdout().lines().filter(line -> !line.isBlank()).toList();
  }

  record Result(int exitCode, String stdout) {}

  static Result run(List<String> command) {
    try {
      Process process =
          new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(10, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException(command + " took over 10 minutes");
      }
      return new Result(process.exitValue(), out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Result check(Result result) {
    if (result.exitCode() != 0) {
      throw new IllegalStateException(
          "docker failed (" + result.exitCode() + "): " + result.stdout());
    }
    return result;
  }
}
