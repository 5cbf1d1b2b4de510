package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.api.AttemptOutcome;
import dev.ferry.api.AttemptSummary;
import dev.ferry.api.PrimesOutput;
import dev.ferry.api.RunResult;
import dev.ferry.api.RunStatus;
import dev.ferry.api.RunWorkflow;
import dev.ferry.providers.Infrastructure;
import io.temporal.client.WorkflowStub;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the orchestrator mid-run, on the real Temporal server: the worker goes on reporting to
 * Temporal, a restarted orchestrator picks the run up, finds the compute through the provider's
 * records, and tears it down at the end. Nothing is lost and nothing is left.
 */
class OrchestratorRestartIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void aRestartedOrchestratorFinishesTheRunAndTearsItsComputeDown() throws Exception {
    Optional<Path> cli = TemporalDevServer.cli();
    Infrastructure.require(
        "the Temporal CLI (temporal server start-dev; PATH or "
            + TemporalDevServer.CLI_VARIABLE
            + ")",
        cli.isPresent());
    try (FerryProcesses ferry = new FerryProcesses(dir, TemporalDevServer.start(cli.get(), dir))) {
      Process first = ferry.startOrchestrator(Map.of(), "first-orchestrator.log");
      RunWorkflow run = LongPrimesRun.start(ferry.client(), "restart-test");
      RunStatus running = LongPrimesRun.awaitProgress(run, 5.0);
      long workerPid = Long.parseLong(running.compute().resourceId());

      first.destroyForcibly();
      assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(ProcessHandle.of(workerPid).map(ProcessHandle::isAlive).orElse(false))
          .as("the worker outlives the orchestrator")
          .isTrue();
      ferry.startOrchestrator(Map.of(), "second-orchestrator.log");
      RunResult result = WorkflowStub.fromTyped(run).getResult(RunResult.class);

      assertThat(JSON.treeToValue(result.output(), PrimesOutput.class).count())
          .isEqualTo(LongPrimesRun.PRIMES_BELOW);
      assertThat(result.attempts())
          .extracting(AttemptSummary::outcome)
          .containsExactly(AttemptOutcome.SUCCEEDED);
      assertThat(result.attempts().getFirst().teardown().found()).isTrue();
      FerryProcesses.assertGone(workerPid);
      assertThat(ferry.localResources()).isEmpty();
    }
  }
}
