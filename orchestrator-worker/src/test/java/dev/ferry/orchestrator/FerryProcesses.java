package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.api.OwnNamespace;
import dev.ferry.api.TemporalConnection;
import io.temporal.client.WorkflowClient;
import io.temporal.testserver.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Ferry as separate OS processes from the built jars, around a port-bound Temporal test server:
 * what the end-to-end tests start, and what they check is gone afterwards.
 */
final class FerryProcesses implements AutoCloseable {

  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final Path ORCHESTRATOR_JAR =
      ROOT.resolve("orchestrator-worker/target/orchestrator-worker.jar");
  static final Path STARTER_JAR = ROOT.resolve("starter/target/starter.jar");
  static final Path WORKER_JAR = ROOT.resolve("external-worker/target/external-worker.jar");

  /** What a finished command printed. */
  record Finished(int exitCode, String stdout, String stderr) {}

  private final Path dir;

  /** How many free ports a fixture tries before it gives up: another process may take one. */
  static final int PORT_ATTEMPTS = 5;

  private static final String EMBEDDED_UP = "started an embedded Temporal test server on port";

  private final String address;
  private final AutoCloseable temporal;

  /**
   * Whether the Temporal is the one {@code ferry server} runs itself: its processes and client are
   * then given no TEMPORAL_ADDRESS, only its port, as a user's would be.
   */
  private final boolean ownTemporal;

  private final List<Process> started = new ArrayList<>();
  private WorkflowClient client;

  /** Around a port-bound Java test server of its own, in real time. */
  FerryProcesses(Path dir) {
    this.dir = dir;
    TestServer.PortBoundTestServer server = null;
    int port = 0;
    // A free port can be taken by another process before the server binds it: try another then.
    for (int attempt = 0; server == null; attempt++) {
      port = freePort();
      try {
        server = TestServer.createPortBoundServer(port, true);
      } catch (RuntimeException taken) {
        if (attempt + 1 >= PORT_ATTEMPTS) {
          throw new IllegalStateException("no port the Temporal test server could bind", taken);
        }
      }
    }
    this.address = "127.0.0.1:" + port;
    this.temporal = server;
    this.ownTemporal = false;
  }

  /** Around the real Temporal server, which it closes at the end. */
  FerryProcesses(Path dir, TemporalDevServer server) {
    this.dir = dir;
    this.address = server.address();
    this.temporal = server;
    this.ownTemporal = false;
  }

  /**
   * Around the Temporal the orchestrator runs itself ({@code ferry server} with no
   * TEMPORAL_ADDRESS: its own dev server), at {@code address}; the fixture starts and stops none.
   */
  FerryProcesses(Path dir, String address) {
    this.dir = dir;
    this.address = address;
    this.temporal = () -> {};
    this.ownTemporal = true;
  }

  /**
   * A client of this Temporal server, closed with the rest; of {@code ferry server}'s own, made as
   * the CLI makes it (no TEMPORAL_ADDRESS, so in Ferry's own namespace).
   */
  WorkflowClient client() {
    if (client == null) {
      client =
          TemporalConnection.client(
              ownTemporal
                  ? OwnNamespace.applied(Map.of("FERRY_TEMPORAL_PORT", port()))
                  : Map.of("TEMPORAL_ADDRESS", address));
    }
    return client;
  }

  private String port() {
    return address.substring(address.lastIndexOf(':') + 1);
  }

  /**
   * Runs {@code primes} below 10^7 through the CLI to its end and checks what every provider must
   * give: the count, and a receipt of a worker that exited 0.
   *
   * @return the run's result, as the CLI printed it
   */
  JsonNode runPrimesToTheEnd(String workflowId) throws IOException {
    Finished run =
        cli(
            "run",
            "primes",
            "--input",
            "{\"below\": 10000000}",
            "--wait",
            "--json",
            "--id",
            workflowId);
    assertThat(run.exitCode()).as(run.stderr() + log("orchestrator.log")).isZero();
    JsonNode result = new ObjectMapper().readTree(run.stdout());
    assertThat(result.at("/output/count").asLong()).isEqualTo(664_579);
    JsonNode receipt = result.at("/attempts/0/teardown");
    assertThat(receipt.get("found").asBoolean()).isTrue();
    assertThat(receipt.get("exitCode").asInt()).isZero();
    assertThat(receipt.get("logTail")).isNotEmpty();
    // Intermediate phases may fall between two polls of a fast run; the final one is always shown.
    assertThat(run.stderr()).contains("[SUCCEEDED] attempt 1/3");
    return result;
  }

  Path stateDir() {
    return dir.resolve("local-state");
  }

  /** Where a {@code ferry server} without TEMPORAL_ADDRESS keeps its dev server's state. */
  Path dataDir() {
    return dir.resolve("data");
  }

  /** The orchestrator server, on the local provider, with its log in the test's directory. */
  Process startOrchestrator() {
    return startOrchestrator(Map.of());
  }

  /** The orchestrator server with these settings on top of the local-provider defaults. */
  Process startOrchestrator(Map<String, String> env) {
    return startOrchestrator(env, "orchestrator.log");
  }

  Process startOrchestrator(Map<String, String> env, String logName) {
    return start(ORCHESTRATOR_JAR, List.of("server"), env, dir.resolve(logName));
  }

  /** Runs the starter CLI to its end. */
  Finished cli(String... args) {
    Path out = dir.resolve("cli-" + System.nanoTime() + ".out");
    Path err = dir.resolve("cli-" + System.nanoTime() + ".err");
    ProcessBuilder builder = builder(STARTER_JAR, List.of(args), Map.of());
    builder.redirectOutput(out.toFile()).redirectError(err.toFile());
    try {
      Process process = builder.start();
      if (!process.waitFor(5, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new AssertionError(
            "ferry "
                + String.join(" ", args)
                + " did not end within 5 minutes; its stderr:\n"
                + Files.readString(err)
                + "\norchestrator.log:\n"
                + log("orchestrator.log"));
      }
      return new Finished(process.exitValue(), Files.readString(out), Files.readString(err));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * The orchestrator jar's {@code subcommand} on its own embedded Temporal, on a free port, not on
   * this fixture's server: returns once the embedded server is up. When another process took the
   * port first (the orchestrator then exits 2 naming FERRY_TEMPORAL_PORT), starts it again on
   * another port.
   */
  Process startOnEmbeddedTemporal(String subcommand, Map<String, String> extraEnv, String logName)
      throws InterruptedException {
    for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
      Process process = startOnEmbeddedTemporal(subcommand, freePort(), extraEnv, logName);
      long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
      while (!log(logName).contains(EMBEDDED_UP)) {
        if (process.waitFor(50, TimeUnit.MILLISECONDS)) {
          if (process.exitValue() == 2 && log(logName).contains("FERRY_TEMPORAL_PORT")) {
            break;
          }
          return process;
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError(
              "the embedded Temporal server did not start in a minute: " + log(logName));
        }
      }
      if (process.isAlive() || process.exitValue() != 2) {
        return process;
      }
    }
    throw new AssertionError("every port the embedded server tried was taken: " + log(logName));
  }

  /**
   * The orchestrator jar's {@code subcommand} on its own embedded Temporal at {@code port}, not on
   * this fixture's server.
   */
  Process startOnEmbeddedTemporal(
      String subcommand, int port, Map<String, String> extraEnv, String logName) {
    Map<String, String> env = new HashMap<>(extraEnv);
    env.put("TEMPORAL_ADDRESS", "");
    env.put("FERRY_TEMPORAL", "memory");
    env.put("FERRY_TEMPORAL_PORT", String.valueOf(port));
    return start(ORCHESTRATOR_JAR, List.of(subcommand), env, dir.resolve(logName));
  }

  Process start(Path jar, List<String> args, Map<String, String> extraEnv, Path log) {
    ProcessBuilder builder = builder(jar, args, extraEnv);
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    try {
      Process process = builder.start();
      started.add(process);
      return process;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String log(String name) {
    try {
      return Files.readString(dir.resolve(name), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no " + name + ")";
    }
  }

  /** Resource records the local provider still holds: none, once every run is torn down. */
  List<Path> localResources() {
    if (!Files.isDirectory(stateDir())) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(stateDir())) {
      return files.filter(f -> f.toString().endsWith(".json")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Processes other than this JVM whose working directory is this fixture's directory: everything
   * it starts, and everything those start, since children inherit it. Found by a search of all
   * processes, so it still finds what a parent that has exited left behind.
   */
  List<ProcessHandle> processesInDirectory() {
    long self = ProcessHandle.current().pid();
    Path real;
    try {
      real = dir.toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ProcessHandle.allProcesses()
        .filter(p -> p.pid() != self && p.isAlive())
        .filter(p -> workingDirectory(p).map(real::equals).orElse(false))
        .toList();
  }

  private static Optional<Path> workingDirectory(ProcessHandle process) {
    try {
      return Optional.of(
          Files.readSymbolicLink(Path.of("/proc", String.valueOf(process.pid()), "cwd")));
    } catch (IOException | UnsupportedOperationException | SecurityException gone) {
      return Optional.empty();
    }
  }

  /** Whether the process runs this jar. */
  static boolean runs(ProcessHandle process, Path jar) {
    return process.info().arguments().map(a -> List.of(a).contains(jar.toString())).orElse(false);
  }

  static void assertGone(long pid) {
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
        .as("process %d is gone", pid)
        .isFalse();
  }

  /**
   * Stops what was started (SIGTERM first, as a supervisor would), anything still running in the
   * fixture's directory, and the Temporal server.
   */
  @Override
  public void close() throws Exception {
    if (client != null) {
      client.getWorkflowServiceStubs().shutdown();
    }
    for (Process process : started) {
      List<ProcessHandle> children = process.descendants().toList();
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      children.forEach(ProcessHandle::destroyForcibly);
    }
    // What a failed test left behind after its parent exited (frozen workers included: SIGKILL
    // ends a stopped process too).
    processesInDirectory().forEach(ProcessHandle::destroyForcibly);
    temporal.close();
  }

  private ProcessBuilder builder(Path jar, List<String> args, Map<String, String> extraEnv) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (Runtime.version().feature() >= 24) {
      command.add("--sun-misc-unsafe-memory-access=allow");
      command.add("--enable-native-access=ALL-UNNAMED");
    }
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(key -> key.startsWith("TEMPORAL_") || key.startsWith("FERRY_"));
    Map<String, String> ferry = new HashMap<>();
    if (ownTemporal) {
      ferry.put("TEMPORAL_ADDRESS", "");
      ferry.put("FERRY_TEMPORAL_PORT", port());
    } else {
      ferry.put("TEMPORAL_ADDRESS", address);
    }
    ferry.put("FERRY_PROVIDER", "local");
    ferry.put("FERRY_LOCAL_WORKER_JAR", WORKER_JAR.toString());
    ferry.put("FERRY_STARTER_JAR", STARTER_JAR.toString());
    ferry.put("FERRY_LOCAL_STATE_DIR", stateDir().toString());
    // Never the user's own data directory (where a developer's ferry server keeps its Temporal).
    ferry.put("FERRY_DATA_DIR", dataDir().toString());
    // Any free port: processes of parallel tests (and builds) must not fight over 6007.
    ferry.put("FERRY_HTTP_PORT", "0");
    ferry.putAll(extraEnv);
    env.putAll(ferry);
    // An empty value in extraEnv means: leave the variable unset.
    env.values().removeIf(String::isEmpty);
    return builder;
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Duration since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }
}
