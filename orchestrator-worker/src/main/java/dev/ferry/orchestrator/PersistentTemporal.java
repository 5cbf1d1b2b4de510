package dev.ferry.orchestrator;

import dev.ferry.api.TemporalConnection;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.client.WorkflowClient;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real Temporal dev server ({@code temporal server start-dev}) as a child of {@code ferry
 * server}, with its state in a SQLite file in the data directory, so that a restart loses no run.
 *
 * <p>After a {@code kill -9} of {@code ferry server} its dev server runs on: the workers keep
 * reporting to it and its timers keep running. The next {@code ferry server} on the same data
 * directory adopts it (found through {@link DevServerRecord}) when it still answers on the
 * configured ports, and otherwise stops it and starts a new one on the same file. A normal stop
 * (SIGTERM, Ctrl-C) stops it. Only one {@code ferry server} owns a data directory at a time ({@link
 * DataDirLock}).
 */
final class PersistentTemporal implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PersistentTemporal.class);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration ADOPT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration STOP_GRACE = Duration.ofSeconds(20);

  private final DevServerSettings settings;
  private final ProcessHandle server;
  private final Process child;
  private final DataDirLock lock;
  private volatile boolean closing;

  private PersistentTemporal(
      DevServerSettings settings, ProcessHandle server, Process child, DataDirLock lock) {
    this.settings = settings;
    this.server = server;
    this.child = child;
    this.lock = lock;
  }

  /**
   * What {@code ferry server} runs Temporal on, said on {@code err}: the dev server, started or
   * adopted; or empty, when {@code TEMPORAL_ADDRESS} names a server, when {@code
   * FERRY_TEMPORAL=memory}, or when no Temporal CLI can be had (the orchestrator then starts the
   * in-memory test server).
   *
   * @throws IllegalArgumentException naming a bad variable
   * @throws IllegalStateException when a port is taken, another server owns the data directory, or
   *     the dev server does not come up
   */
  static Optional<PersistentTemporal> forServer(
      Map<String, String> env, TemporalCli.Installer installer, PrintStream err) {
    String address = env.get("TEMPORAL_ADDRESS");
    if (address != null && !address.isBlank()) {
      err.println("ferry server: Temporal at " + address.strip() + " (TEMPORAL_ADDRESS)");
      return Optional.empty();
    }
    DevServerSettings settings = DevServerSettings.fromEnvironment(env);
    if (settings.inMemory()) {
      err.println(
          "ferry server: in-memory Temporal test server on "
              + settings.address()
              + " ("
              + DevServerSettings.MODE
              + "=memory): runs will not survive a restart");
      return Optional.empty();
    }
    DataDirLock lock = DataDirLock.acquire(settings.dataDir());
    try {
      Optional<PersistentTemporal> adopted = adoptOrStopLeftover(settings, lock, err);
      if (adopted.isPresent()) {
        return adopted;
      }
      TemporalCli.Found found = TemporalCli.find(env, settings.home(), installer, err);
      if (found.cli().isEmpty()) {
        lock.close();
        err.println(
            "ferry server: no Temporal CLI ("
                + found.how()
                + "): falling back to the in-memory Temporal test server on "
                + settings.address()
                + "; runs will not survive a restart. Put temporal on the PATH or set "
                + TemporalCli.VARIABLE
                + " to keep them");
        return Optional.empty();
      }
      PersistentTemporal started = start(settings, found.cli().get(), lock);
      err.println(
          "ferry server: Temporal dev server on "
              + settings.address()
              + ", namespace "
              + settings.namespace()
              + " (CLI: "
              + found.how()
              + "), Web UI http://127.0.0.1:"
              + settings.uiPort()
              + ", state in "
              + settings.database()
              + ": runs survive a restart");
      return Optional.of(started);
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  private static Optional<PersistentTemporal> adoptOrStopLeftover(
      DevServerSettings settings, DataDirLock lock, PrintStream err) {
    Optional<DevServerRecord> record = DevServerRecord.read(settings.dataDir());
    Optional<ProcessHandle> leftover = record.flatMap(DevServerRecord::liveProcess);
    if (leftover.isEmpty()) {
      DevServerRecord.delete(settings.dataDir());
      return Optional.empty();
    }
    ProcessHandle process = leftover.get();
    boolean samePorts =
        record.get().port() == settings.port() && record.get().uiPort() == settings.uiPort();
    if (samePorts && answers(settings, ADOPT_TIMEOUT, process)) {
      err.println(
          "ferry server: adopted the Temporal dev server (process "
              + process.pid()
              + ") an earlier ferry server left running on "
              + settings.address()
              + ", namespace "
              + settings.namespace()
              + ", Web UI http://127.0.0.1:"
              + settings.uiPort()
              + ", state in "
              + settings.database());
      PersistentTemporal adopted = new PersistentTemporal(settings, process, null, lock);
      adopted.watch(process);
      return Optional.of(adopted);
    }
    err.println(
        "ferry server: stopping the Temporal dev server (process "
            + process.pid()
            + ") an earlier ferry server left running"
            + (samePorts
                ? ", which does not answer or has no namespace " + settings.namespace()
                : " on other ports")
            + "; its state stays in "
            + settings.database());
    stop(process, null);
    DevServerRecord.delete(settings.dataDir());
    return Optional.empty();
  }

  private static PersistentTemporal start(DevServerSettings settings, Path cli, DataDirLock lock) {
    requireFree(settings.port(), "FERRY_TEMPORAL_PORT");
    requireFree(settings.uiPort(), DevServerSettings.UI_PORT);
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                cli.toString(),
                "server",
                "start-dev",
                "--ip",
                "127.0.0.1",
                "--port",
                String.valueOf(settings.port()),
                "--ui-port",
                String.valueOf(settings.uiPort()),
                "--db-filename",
                settings.database().toString(),
                "--log-level",
                "warn"));
    // Registered at start, before the server answers; "default" always exists.
    if (!settings.namespace().equals("default")) {
      command.addAll(List.of("--namespace", settings.namespace()));
    }
    Path logFile = settings.dataDir().resolve("temporal.log");
    Process process;
    try {
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
              .start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + cli + ": " + e.getMessage(), e);
    }
    PersistentTemporal started =
        new PersistentTemporal(settings, process.toHandle(), process, lock);
    try {
      DevServerRecord.of(process.toHandle(), settings).write(settings.dataDir());
      if (!answers(settings, READY_TIMEOUT, process.toHandle())) {
        throw new IllegalStateException(
            "the Temporal dev server "
                + (process.isAlive() ? "did not answer within " + READY_TIMEOUT : "exited")
                + "; its log, "
                + logFile
                + ", ends with:\n"
                + tail(logFile));
      }
    } catch (RuntimeException e) {
      started.close();
      throw e;
    }
    started.watch(process.toHandle());
    log.info("Temporal dev server running as process {}, log in {}", process.pid(), logFile);
    return started;
  }

  String address() {
    return settings.address();
  }

  /** The namespace the dev server registered, which everything of Ferry's uses on it. */
  String namespace() {
    return settings.namespace();
  }

  long pid() {
    return server.pid();
  }

  Path dataDir() {
    return settings.dataDir();
  }

  /** Stops the dev server (SIGTERM, then SIGKILL after a grace) and releases the data directory. */
  @Override
  public void close() {
    closing = true;
    try {
      stop(server, child);
      DevServerRecord.delete(settings.dataDir());
    } finally {
      lock.close();
    }
  }

  /** Says so at once when the dev server dies under a running ferry server. */
  private void watch(ProcessHandle process) {
    process
        .onExit()
        .thenRun(
            () -> {
              if (!closing) {
                log.error(
                    "the Temporal dev server (process {}) exited; see {}. Restart ferry server",
                    process.pid(),
                    settings.dataDir().resolve("temporal.log"));
              }
            });
  }

  private static void stop(ProcessHandle process, Process child) {
    process.destroy();
    if (awaitExit(process, child, STOP_GRACE)) {
      return;
    }
    log.warn("the Temporal dev server ignored SIGTERM for {}; killing it", STOP_GRACE);
    process.destroyForcibly();
    if (!awaitExit(process, child, Duration.ofSeconds(10))) {
      throw new IllegalStateException(
          "the Temporal dev server (process " + process.pid() + ") survived SIGKILL");
    }
  }

  private static boolean awaitExit(ProcessHandle process, Process child, Duration timeout) {
    try {
      if (child != null) {
        return child.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      }
      long deadline = System.nanoTime() + timeout.toNanos();
      while (process.isAlive()) {
        if (System.nanoTime() > deadline) {
          return false;
        }
        Thread.sleep(100);
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    }
  }

  /**
   * Whether Temporal answers at the settings' address within {@code timeout}, while the process
   * runs, and knows their namespace: a server an older Ferry started has only {@code default}.
   */
  private static boolean answers(
      DevServerSettings settings, Duration timeout, ProcessHandle process) {
    long deadline = System.nanoTime() + timeout.toNanos();
    WorkflowClient client =
        TemporalConnection.client(Map.of("TEMPORAL_ADDRESS", settings.address()));
    try {
      while (process.isAlive()) {
        try {
          client
              .getWorkflowServiceStubs()
              .blockingStub()
              .withDeadlineAfter(2, TimeUnit.SECONDS)
              .describeNamespace(
                  DescribeNamespaceRequest.newBuilder().setNamespace(settings.namespace()).build());
          return true;
        } catch (RuntimeException notYet) {
          if (System.nanoTime() > deadline) {
            return false;
          }
          Thread.sleep(200);
        }
      }
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      client.getWorkflowServiceStubs().shutdownNow();
    }
  }

  private static void requireFree(int port, String variable) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot start the Temporal dev server: port "
              + port
              + " is in use. Set "
              + variable
              + " to a free port"
              + (variable.equals("FERRY_TEMPORAL_PORT")
                  ? ", or TEMPORAL_ADDRESS to use the Temporal server that is already running there"
                  : ""));
    }
  }

  private static String tail(Path logFile) {
    try {
      List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }
}
