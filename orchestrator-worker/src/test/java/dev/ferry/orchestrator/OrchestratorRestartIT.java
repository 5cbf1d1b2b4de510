package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.api.AttemptOutcome;
import dev.ferry.api.AttemptSummary;
import dev.ferry.api.PrimesOutput;
import dev.ferry.api.RunResult;
import dev.ferry.api.RunWorkflow;
import dev.ferry.providers.Infrastructure;
import io.temporal.client.WorkflowStub;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the orchestrator mid-run, on the real Temporal server, with the worker frozen
 * meanwhile so that it can neither finish nor move on: the worker outlives the orchestrator, goes
 * on reporting to Temporal once thawed, a restarted orchestrator picks the run up, finds the
 * compute through the provider's records, and tears it down at the end. Nothing is lost, nothing is
 * left, and no more than one worker ever runs for the run (sampled throughout).
 */
@Tag("fault")
class OrchestratorRestartIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Longer than the worker stays frozen: it is lost only if it stops reporting for this long. */
  private static final Duration FROZEN_HEARTBEAT = Duration.ofMinutes(3);

  @TempDir Path dir;

  @Test
  void aRestartedOrchestratorFinishesTheRunAndTearsItsComputeDown() throws Exception {
    Optional<Path> cli = TemporalDevServer.cli();
    Infrastructure.require(
        "the Temporal CLI (temporal server start-dev; PATH or "
            + TemporalDevServer.CLI_VARIABLE
            + ")",
        cli.isPresent());
    long start = System.nanoTime();
    try (FerryProcesses ferry = new FerryProcesses(dir, TemporalDevServer.start(cli.get(), dir));
        LiveComputeSampler sampler = new LiveComputeSampler(ferry)) {
      Process first = ferry.startOrchestrator(Map.of(), "first-orchestrator.log");
      // Frozen for as long as the test needs: the heartbeat timeout only has to outlast that.
      RunWorkflow run =
          LongPrimesRun.start(
              ferry.client(), "restart-test", FROZEN_HEARTBEAT, PersistentServerIT.BELOW);
      LongPrimesRun.awaitCheckpoint(ferry.client(), "restart-test");
      long workerPid = Long.parseLong(run.status().compute().resourceId());
      FrozenCompute worker = FrozenCompute.process(workerPid);

      first.destroyForcibly();
      assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(ProcessHandle.of(workerPid).map(ProcessHandle::isAlive).orElse(false))
          .as("the worker outlives the orchestrator")
          .isTrue();
      ferry.startOrchestrator(Map.of(), "second-orchestrator.log");
      worker.thaw();
      RunResult result = WorkflowStub.fromTyped(run).getResult(RunResult.class);

      PersistentServerIT.recordAndAssertNothingLeft(
          ferry, sampler, result, "orchestrator-killed", "kill -9 of the orchestrator", start);
      assertThat(JSON.treeToValue(result.output(), PrimesOutput.class).count())
          .isEqualTo(PersistentServerIT.PRIMES_BELOW);
      assertThat(result.attempts())
          .extracting(AttemptSummary::outcome)
          .containsExactly(AttemptOutcome.SUCCEEDED);
      assertThat(result.attempts().getFirst().teardown().found()).isTrue();
      FerryProcesses.assertGone(workerPid);
      assertThat(ferry.localResources()).isEmpty();
    }
  }
}
