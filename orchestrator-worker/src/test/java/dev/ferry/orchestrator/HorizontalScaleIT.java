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
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code ferry server} processes against one real Temporal dev server share the work: the one
 * whose provision activity started the run's worker is killed with {@code kill -9} mid-run (the
 * worker frozen meanwhile), and the other finishes the run and tears the worker down, finding it
 * through the local provider's records that both share. Never more than one live worker.
 */
@Tag("fault")
class HorizontalScaleIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void theOtherServerFinishesTheRunOfAKilledOneAndTearsItsComputeDown() throws Exception {
    long start = System.nanoTime();
    Optional<Path> cli = TemporalDevServer.cli();
    Infrastructure.require(
        "the Temporal CLI (temporal server start-dev; PATH or "
            + TemporalDevServer.CLI_VARIABLE
            + ")",
        cli.isPresent());
    try (FerryProcesses ferry = new FerryProcesses(dir, TemporalDevServer.start(cli.get(), dir));
        LiveComputeSampler sampler = new LiveComputeSampler(ferry)) {
      Process one = ferry.startOrchestrator(Map.of(), "one.log");
      Process two = ferry.startOrchestrator(Map.of(), "two.log");
      RunWorkflow run =
          LongPrimesRun.start(
              ferry.client(), "scale-test", PersistentServerIT.HEARTBEAT, PersistentServerIT.BELOW);
      LongPrimesRun.awaitCheckpoint(ferry.client(), "scale-test");
      long workerPid = Long.parseLong(run.status().compute().resourceId());
      FrozenCompute worker = FrozenCompute.process(workerPid);
      // The local provider starts the worker as a child of the server whose activity provisioned
      // it.
      long provisioner =
          ProcessHandle.of(workerPid).flatMap(ProcessHandle::parent).orElseThrow().pid();
      assertThat(provisioner).isIn(one.pid(), two.pid());
      Process killed = provisioner == one.pid() ? one : two;
      String survivorLog = provisioner == one.pid() ? "two.log" : "one.log";

      killed.destroyForcibly();
      assertThat(killed.waitFor(30, TimeUnit.SECONDS)).isTrue();
      worker.thaw();
      RunResult result = WorkflowStub.fromTyped(run).getResult(RunResult.class);

      PersistentServerIT.recordAndAssertNothingLeft(
          ferry,
          sampler,
          result,
          "replica-killed",
          "kill -9 of the ferry server that provisioned the run, another one running",
          start);
      assertThat(JSON.treeToValue(result.output(), PrimesOutput.class).count())
          .isEqualTo(PersistentServerIT.PRIMES_BELOW);
      assertThat(result.attempts())
          .extracting(AttemptSummary::outcome)
          .containsExactly(AttemptOutcome.SUCCEEDED);
      String computeName = result.attempts().getFirst().compute().name();
      assertThat(ferry.log(survivorLog))
          .as("the surviving server tore the compute down")
          .contains("removed " + computeName);
      FerryProcesses.assertGone(workerPid);
    }
  }
}
