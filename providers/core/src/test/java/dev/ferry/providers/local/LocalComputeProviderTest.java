package dev.ferry.providers.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.api.ComputeHandle;
import dev.ferry.api.ComputeSpec;
import dev.ferry.api.ComputeState;
import dev.ferry.api.Labels;
import dev.ferry.providers.ComputeProvider;
import dev.ferry.providers.ComputeProviderContract;
import dev.ferry.providers.LabelSelector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalComputeProviderTest extends ComputeProviderContract {

  private static final List<String> COMMAND =
      List.of(
          "sh",
          "-c",
          "echo booted queue=$FERRY_TASK_QUEUE; trap 'echo bye; exit 0' TERM; "
              + "sleep 120 & wait");

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
    ComputeHandle handle = provision(request("env", "wf-env"));
    awaitState(handle, ComputeState.Running.class);

    var receipt = provider().deprovision(handle);

    assertThat(receipt.logTail()).contains("booted queue=q-test", "bye");
    assertThat(receipt.exitCode()).isZero();
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
