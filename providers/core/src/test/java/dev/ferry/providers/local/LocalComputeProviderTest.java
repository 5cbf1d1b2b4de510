package dev.ferry.providers.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.api.ComputeHandle;
import dev.ferry.api.ComputeSpec;
import dev.ferry.api.ComputeState;
import dev.ferry.api.Labels;
import dev.ferry.api.ProvisionRequest;
import dev.ferry.api.TaskQueues;
import dev.ferry.providers.ComputeProvider;
import dev.ferry.providers.ComputeProviderContract;
import dev.ferry.providers.LabelSelector;
import dev.ferry.providers.ProviderException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalComputeProviderTest extends ComputeProviderContract {

  private static final List<String> COMMAND =
      List.of(
          "sh",
          "-c",
          // The trap is set before "booted" is printed: a test that saw "booted" may send SIGTERM.
          "trap 'echo bye; exit 0' TERM; echo booted queue=$FERRY_TASK_QUEUE; "
              + "sleep 120 & wait");

  /** What the provider documents it passes on from the orchestrator's own environment. */
  private static final Set<String> ORCHESTRATOR_ENV =
      Set.of("PATH", "HOME", "LANG", "TMPDIR", "TZ");

  @TempDir Path stateDir;
  private LocalComputeProvider provider;

  @Override
  protected ComputeProvider provider() {
    if (provider == null) {
      provider = new LocalComputeProvider(COMMAND, stateDir, Duration.ofSeconds(5));
    }
    return provider;
  }

  /**
   * A local worker counts as provisioned once it has set its trap and said so: a process that is
   * merely alive may not have run a line yet, and a SIGTERM then would end it before it printed.
   */
  @Override
  protected ComputeHandle provision(ProvisionRequest request) {
    ComputeHandle handle = super.provision(request);
    try {
      assertThat(awaitLog(new LocalStateStore(stateDir).logFile(request.name()), "booted"))
          .as("worker %s booted", request.name())
          .isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return handle;
  }

  /** Waits up to 30 s for the log to hold the text; whether it did. */
  static boolean awaitLog(Path log, String text) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!logContains(log, text)) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  private static boolean logContains(Path log, String text) {
    try {
      return Files.exists(log) && Files.readString(log).contains(text);
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  protected ComputeSpec longRunningSpec() {
    return new ComputeSpec(null, null, 0, 0, null, Map.of("FERRY_TASK_QUEUE", "q-test"));
  }

  @Test
  void passesTheSpecEnvironmentAndNothingElse() throws InterruptedException {
    Map<String, String> parent = System.getenv();
    assertThat(parent.keySet())
        .as("the parent must have variables the child is not meant to see, or this proves nothing")
        .isNotEmpty()
        .anyMatch(key -> !ORCHESTRATOR_ENV.contains(key));
    Map<String, String> specEnv =
        Map.of("FERRY_TASK_QUEUE", "q-env", "FERRY_ONLY_IN_SPEC", "spec", "HOME", "/spec-home");
    Map<String, String> expected = new HashMap<>();
    ORCHESTRATOR_ENV.forEach(
        key -> Optional.ofNullable(parent.get(key)).ifPresent(v -> expected.put(key, v)));
    expected.putAll(specEnv);
    ProvisionRequest request = request("env", "wf-env");
    expected.put("FERRY_LOCAL_RESOURCE", request.name());
    var printer = new LocalComputeProvider(List.of("env"), stateDir, Duration.ofSeconds(5));
    ComputeHandle handle =
        printer.provision(request.withSpec(new ComputeSpec("local", null, 0, 0, null, specEnv)));

    try {
      assertThat(awaitExit(printer, handle)).isEqualTo(new ComputeState.Exited(0));
    } finally {
      var receipt = printer.deprovision(handle);
      assertThat(environmentPrinted(receipt.logTail())).isEqualTo(expected);
    }
  }

  @Test
  void aProvisionThatCannotRecordItsWorkerStartsNone() throws Exception {
    String token = "ferry-unrecorded-" + System.nanoTime();
    var provider =
        new LocalComputeProvider(
            List.of("sh", "-c", "echo booted; sleep 120 & wait", token),
            stateDir,
            Duration.ofSeconds(5));
    ProvisionRequest request = request("unrecorded", "wf-unrecorded");
    // The record cannot be written while its temporary file's name is taken by a directory.
    Path obstacle = Files.createDirectory(stateDir.resolve(request.name() + ".json.tmp"));
    try {
      assertThatThrownBy(() -> provider.provision(request))
          .isInstanceOf(ProviderException.Unavailable.class);
      Files.delete(obstacle);

      ComputeHandle handle = provider.provision(request);
      assertThat(provider.deprovision(handle).found()).isTrue();

      assertThat(awaitNoneCarrying(token))
          .as("workers left running after the failed provision and its retry")
          .isEmpty();
    } finally {
      processesCarrying(token).forEach(ProcessHandle::destroyForcibly);
    }
  }

  @Test
  void aRetryAdoptsTheWorkerWhoseStartWasCutShort() throws Exception {
    ProvisionRequest request = request("cut-short", "wf-cut-short");
    // As an orchestrator that died between starting the worker and recording its pid leaves it.
    new LocalStateStore(stateDir)
        .write(LocalProcessRecord.starting(request.name(), request.labels()));
    ProcessBuilder orphanBuilder = new ProcessBuilder("sh", "-c", "sleep 120 & wait");
    orphanBuilder.environment().put(ProcessMarker.VARIABLE, request.name());
    Process orphan = orphanBuilder.start();
    try {
      assertThat(provider().describe(ComputeHandle.named("local", request.name())))
          .isInstanceOf(ComputeState.Pending.class);

      ComputeHandle handle = provider().provision(request);

      assertThat(handle.resourceId()).isEqualTo(String.valueOf(orphan.pid()));
      assertThat(provider().describe(handle)).isInstanceOf(ComputeState.Running.class);
      assertThat(provider().deprovision(handle).found()).isTrue();
      assertThat(orphan.waitFor(30, TimeUnit.SECONDS)).as("adopted worker stopped").isTrue();
      assertThat(provider().describe(handle)).isInstanceOf(ComputeState.Gone.class);
    } finally {
      orphan.destroyForcibly();
    }
  }

  @Test
  void tearingDownACutShortStartStopsItsWorker() throws Exception {
    ProvisionRequest request = request("cut-teardown", "wf-cut-teardown");
    new LocalStateStore(stateDir)
        .write(LocalProcessRecord.starting(request.name(), request.labels()));
    ProcessBuilder orphanBuilder = new ProcessBuilder("sh", "-c", "sleep 120 & wait");
    orphanBuilder.environment().put(ProcessMarker.VARIABLE, request.name());
    Process orphan = orphanBuilder.start();
    try {
      var receipt = provider().deprovision(ComputeHandle.named("local", request.name()));

      assertThat(receipt.found()).isTrue();
      assertThat(orphan.waitFor(30, TimeUnit.SECONDS)).as("cut-short worker stopped").isTrue();
      assertThat(
              provider().list(LabelSelector.managed().and(Labels.WORKFLOW_ID, "wf-cut-teardown")))
          .isEmpty();
    } finally {
      orphan.destroyForcibly();
    }
  }

  private static List<ProcessHandle> processesCarrying(String token) {
    return ProcessHandle.current()
        .descendants()
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().arguments().map(args -> List.of(args).contains(token)).orElse(false))
        .toList();
  }

  /** The processes with the token in their arguments still alive after up to 30 s. */
  private static List<ProcessHandle> awaitNoneCarrying(String token) throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(30);
    List<ProcessHandle> left = processesCarrying(token);
    while (!left.isEmpty() && Instant.now().isBefore(deadline)) {
      Thread.sleep(100);
      left = processesCarrying(token);
    }
    return left;
  }

  /** What {@code env} printed, one {@code NAME=value} a line (our values have no newlines). */
  private static Map<String, String> environmentPrinted(List<String> lines) {
    Map<String, String> env = new HashMap<>();
    for (String line : lines) {
      int eq = line.indexOf('=');
      assertThat(eq).as("env line '%s'", line).isPositive();
      env.put(line.substring(0, eq), line.substring(eq + 1));
    }
    return env;
  }

  private static ComputeState awaitExit(ComputeProvider provider, ComputeHandle handle)
      throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(30);
    ComputeState state = provider.describe(handle);
    while (!(state instanceof ComputeState.Exited) && Instant.now().isBefore(deadline)) {
      Thread.sleep(100);
      state = provider.describe(handle);
    }
    return state;
  }

  @Test
  void refusesCallbackModeBeforeStartingAnything() throws IOException {
    ProvisionRequest callback =
        new ProvisionRequest(
            "ferry-callback-1",
            TaskQueues.CALLBACKS,
            longRunningSpec().withProvider(LocalComputeProvider.ID),
            Map.of(Labels.MANAGED, "true", Labels.WORKFLOW_ID, "wf-callback"),
            Instant.now().plusSeconds(600));

    assertThatThrownBy(() -> provider().provision(callback))
        .isInstanceOf(ProviderException.InvalidSpec.class)
        .hasMessageContaining("callback mode needs a provider that runs images")
        .hasMessageContaining("local provider runs only Ferry's own worker");
    assertThat(provider().list(LabelSelector.managed().and(Labels.WORKFLOW_ID, "wf-callback")))
        .isEmpty();
    try (var files = Files.list(stateDir)) {
      assertThat(files).as("no record, no log").isEmpty();
    }
  }

  @Test
  void reportsTheExitCodeOfAWorkerThatDied() throws InterruptedException {
    ComputeHandle handle = provision(request("dies", "wf-dies"));
    ProcessHandle worker = ProcessHandle.of(Long.parseLong(handle.resourceId())).orElseThrow();
    // The whole worker dies, as on a crash: its sleep would otherwise outlive the test. The worker
    // goes first: were its child killed first, the worker could finish by itself, with its own
    // code.
    List<ProcessHandle> children = worker.descendants().toList();
    worker.destroyForcibly();
    children.forEach(ProcessHandle::destroyForcibly);

    ComputeState state = awaitState(handle, ComputeState.Exited.class);

    assertThat(state).isEqualTo(new ComputeState.Exited(137));
    assertThat(provider().deprovision(handle).exitCode()).isEqualTo(137);
  }

  @Test
  void aRestartedOrchestratorStillFindsAndStopsItsProcesses() throws Exception {
    ProvisionRequest request = request("restart", "wf-restart");
    ComputeHandle handle = provisionByAnOrchestratorThatThenDies(request);
    long pid = Long.parseLong(handle.resourceId());
    try {
      var restarted = new LocalComputeProvider(COMMAND, stateDir, Duration.ofSeconds(5));

      assertThat(restarted.list(LabelSelector.managed().and(Labels.WORKFLOW_ID, "wf-restart")))
          .extracting(ComputeHandle::name)
          .containsExactly(handle.name());
      assertThat(restarted.describe(handle)).isInstanceOf(ComputeState.Running.class);
      var receipt = restarted.deprovision(handle);

      assertThat(receipt.found()).isTrue();
      assertThat(receipt.logTail()).contains("booted queue=q-test", "bye");
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
      assertThat(restarted.describe(handle)).isInstanceOf(ComputeState.Gone.class);
    } finally {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  /**
   * Provisions from another JVM that then halts, as a killed orchestrator would: its workers live
   * on, and nothing in this JVM holds them as children or waits for their exit.
   */
  private ComputeHandle provisionByAnOrchestratorThatThenDies(ProvisionRequest request)
      throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp",
                System.getProperty(
                    "surefire.test.class.path", System.getProperty("java.class.path")),
                DyingOrchestrator.class.getName(),
                stateDir.toString(),
                request.name()));
    request.labels().forEach((key, value) -> command.add(key + "=" + value));
    Path out = Files.createTempFile("dying-orchestrator", ".log");
    Process orchestrator =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    assertThat(orchestrator.waitFor(60, TimeUnit.SECONDS)).as("orchestrator halted").isTrue();
    String printed = Files.readString(out);
    Files.delete(out);
    assertThat(orchestrator.exitValue()).as(printed).isEqualTo(DyingOrchestrator.HALTED);
    String pid = printed.lines().filter(l -> l.startsWith("pid=")).findFirst().orElseThrow();
    return new ComputeHandle(LocalComputeProvider.ID, request.name(), pid.substring(4));
  }

  /** Provisions one worker, prints its pid and halts without tearing anything down. */
  static final class DyingOrchestrator {

    static final int HALTED = 9;

    public static void main(String[] args) throws InterruptedException {
      Map<String, String> labels = new HashMap<>();
      for (int i = 2; i < args.length; i++) {
        String[] pair = args[i].split("=", 2);
        labels.put(pair[0], pair[1]);
      }
      var provider = new LocalComputeProvider(COMMAND, Path.of(args[0]), Duration.ofSeconds(5));
      ComputeHandle handle =
          provider.provision(
              new ProvisionRequest(
                  args[1],
                  "q-" + args[1],
                  new ComputeSpec(
                      LocalComputeProvider.ID,
                      null,
                      0,
                      0,
                      null,
                      Map.of("FERRY_TASK_QUEUE", "q-test")),
                  labels,
                  Instant.now().plusSeconds(600)));
      // Halts only once the worker has set its SIGTERM trap, as a real worker is up before it runs.
      awaitLog(new LocalStateStore(Path.of(args[0])).logFile(args[1]), "booted");
      System.out.println("pid=" + handle.resourceId());
      System.out.flush();
      Runtime.getRuntime().halt(HALTED);
    }
  }
}
