package dev.ferry.orchestrator;

import dev.ferry.api.TemporalConnection;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.client.WorkflowClient;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The real Temporal server, as {@code temporal server start-dev} runs it on loopback with a SQLite
 * file of the test's own: for tests that kill and restart processes, where the Java test server's
 * in-memory matching can lose a task handed to a poller that died.
 */
final class TemporalDevServer implements AutoCloseable {

  /** Where to find the Temporal CLI: this variable, else {@code temporal} on the PATH. */
  static final String CLI_VARIABLE = "FERRY_TEMPORAL_CLI";

  private final Process process;
  private final int port;

  private TemporalDevServer(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** The CLI, when this machine has one. */
  static Optional<Path> cli() {
    String configured = System.getenv(CLI_VARIABLE);
    if (configured != null && !configured.isBlank()) {
      return Optional.of(Path.of(configured)).filter(Files::isExecutable);
    }
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .map(dir -> Path.of(dir, "temporal"))
        .filter(Files::isExecutable)
        .findFirst();
  }

  /**
   * Starts a dev server with its database in {@code dir} and waits until it answers. A port picked
   * free can be taken by another process before the server binds it: the server then exits, and it
   * is started again on other ports.
   */
  static TemporalDevServer start(Path cli, Path dir) throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      TemporalDevServer server = startOnce(cli, dir);
      if (server.awaitReady(Duration.ofSeconds(60))) {
        return server;
      }
      if (attempt >= FerryProcesses.PORT_ATTEMPTS) {
        throw new IllegalStateException(
            "the Temporal dev server exited before it answered; see "
                + dir.resolve("temporal.log"));
      }
    }
  }

  private static TemporalDevServer startOnce(Path cli, Path dir) {
    int port = FerryProcesses.freePort();
    List<String> command =
        List.of(
            cli.toString(),
            "server",
            "start-dev",
            "--headless",
            "--ip",
            "127.0.0.1",
            "--port",
            String.valueOf(port),
            "--http-port",
            String.valueOf(FerryProcesses.freePort()),
            "--metrics-port",
            String.valueOf(FerryProcesses.freePort()),
            "--db-filename",
            dir.resolve("temporal.db").toString(),
            "--log-level",
            "error");
    Process process;
    try {
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("temporal.log").toFile())
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new TemporalDevServer(process, port);
  }

  String address() {
    return "127.0.0.1:" + port;
  }

  /** Whether the server answers; false when it exited first, as it does when a port is taken. */
  private boolean awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    WorkflowClient client = TemporalConnection.client(Map.of("TEMPORAL_ADDRESS", address()));
    try {
      while (true) {
        try {
          client
              .getWorkflowServiceStubs()
              .blockingStub()
              .withDeadlineAfter(2, TimeUnit.SECONDS)
              .getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
          return true;
        } catch (RuntimeException notYet) {
          if (!process.isAlive()) {
            return false;
          }
          if (System.nanoTime() > deadline) {
            close();
            throw new IllegalStateException("the Temporal dev server did not come up", notYet);
          }
          Thread.sleep(200);
        }
      }
    } finally {
      client.getWorkflowServiceStubs().shutdownNow();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
