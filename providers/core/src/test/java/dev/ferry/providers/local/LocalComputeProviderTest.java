package dev.ferry.providers.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.api.ComputeHandle;
import dev.ferry.api.ComputeSpec;
import dev.ferry.api.ComputeState;
import dev.ferry.api.Labels;
import dev.ferry.api.ProvisionRequest;
import dev.ferry.providers.ComputeProvider;
import dev.ferry.providers.ComputeProviderContract;
import dev.ferry.providers.LabelSelector;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalComputeProviderTest extends ComputeProviderContract {

  private static final List<String> COMMAND =
      List.of(
          "sh",
          "-c",
          "echo booted queue=$FERRY_TASK_QUEUE; trap 'echo bye; exit 0' TERM; "
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
    var printer = new LocalComputeProvider(List.of("env"), stateDir, Duration.ofSeconds(5));
    ProvisionRequest request = request("env", "wf-env");
    ComputeHandle handle =
        printer.provision(request.withSpec(new ComputeSpec("local", null, 0, 0, null, specEnv)));

    try {
      assertThat(awaitExit(printer, handle)).isEqualTo(new ComputeState.Exited(0));
    } finally {
      var receipt = printer.deprovision(handle);
      assertThat(environmentPrinted(receipt.logTail())).isEqualTo(expected);
    }
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
  void reportsTheExitCodeOfAWorkerThatDied() throws InterruptedException {
    ComputeHandle handle = provision(request("dies", "wf-dies"));
    ProcessHandle.of(Long.parseLong(handle.resourceId())).orElseThrow().destroyForcibly();

    ComputeState state = awaitState(handle, ComputeState.Exited.class);

    assertThat(state).isEqualTo(new ComputeState.Exited(137));
    assertThat(provider().deprovision(handle).exitCode()).isEqualTo(137);
  }

  @Test
  void aRestartedOrchestratorStillFindsAndStopsItsProcesses() throws InterruptedException {
    ComputeHandle handle = provision(request("restart", "wf-restart"));
    awaitState(handle, ComputeState.Running.class);
    var restarted = new LocalComputeProvider(COMMAND, stateDir, Duration.ofSeconds(5));

    assertThat(restarted.list(LabelSelector.managed().and(Labels.WORKFLOW_ID, "wf-restart")))
        .extracting(ComputeHandle::name)
        .containsExactly(handle.name());
    assertThat(restarted.describe(handle)).isInstanceOf(ComputeState.Running.class);
    var receipt = restarted.deprovision(handle);

    assertThat(receipt.found()).isTrue();
    assertThat(
            ProcessHandle.of(Long.parseLong(handle.resourceId()))
                .map(ProcessHandle::isAlive)
                .orElse(false))
        .isFalse();
    assertThat(provider().describe(handle)).isInstanceOf(ComputeState.Gone.class);
  }
}
