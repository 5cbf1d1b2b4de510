package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.api.AttemptOutcome;
import dev.ferry.api.AttemptSummary;
import dev.ferry.api.PrimesCheckpoint;
import dev.ferry.api.RunPhase;
import dev.ferry.api.RunResult;
import dev.ferry.api.RunWorkflow;
import dev.ferry.providers.FaultReport;
import dev.ferry.providers.Infrastructure;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.CanceledFailure;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the real Temporal server mid-run, for longer than the heartbeat timeout: the worker,
 * which nobody can reach any more, ends by itself (exit 5) instead of computing for nobody; once
 * the server is back, the run goes on on new compute from its checkpoint; cancelled then, it leaves
 * nothing behind.
 */
@Tag("fault")
class WorkerCutOffIT {

  private static final Duration HEARTBEAT = Duration.ofSeconds(5);

  @TempDir Path dir;

  @Test
  void aWorkerCutOffFromTemporalExitsByItselfAndTheRunGoesOnOnNewCompute() throws Exception {
    Optional<Path> cli = TemporalDevServer.cli();
    Infrastructure.require(
        "the Temporal CLI (temporal server start-dev; PATH or "
            + TemporalDevServer.CLI_VARIABLE
            + ")",
        cli.isPresent());
    long start = System.nanoTime();
    Process restarted = null;
    try (FerryProcesses ferry = new FerryProcesses(dir, TemporalDevServer.start(cli.get(), dir))) {
      ferry.startOrchestrator();
      RunWorkflow run = LongPrimesRun.start(ferry.client(), "cut-off", HEARTBEAT);
      LongPrimesRun.awaitCheckpoint(ferry.client(), "cut-off");
      long workerPid = Long.parseLong(run.status().compute().resourceId());
      PrimesCheckpoint beforeTheCut = LongPrimesRun.checkpoint(ferry.client(), "cut-off").get();
      ProcessHandle server = devServer();
      List<String> command = new ArrayList<>();
      command.add(server.info().command().orElseThrow());
      command.addAll(List.of(server.info().arguments().orElseThrow()));

      server.destroyForcibly();
      assertThat(server.onExit().get(30, TimeUnit.SECONDS).isAlive()).isFalse();

      awaitGone(workerPid, HEARTBEAT.plus(Duration.ofSeconds(60)));
      // Same port and database, as a supervisor would restart it.
      restarted =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("temporal-restarted.log").toFile())
              .start();
      // The run counts the first compute lost, and a second one resumes from its checkpoint;
      // then the run is cancelled, which is quicker than waiting for all of π(10^11).
      AttemptSummary first = awaitFirstAttemptEnded(run);
      assertThat(first.outcome()).isEqualTo(AttemptOutcome.COMPUTE_LOST);
      assertThat(first.teardown().exitCode())
          .as("the first worker's own exit: cut off from Temporal")
          .isEqualTo(5);
      PrimesCheckpoint resumed = LongPrimesRun.awaitCheckpoint(ferry.client(), "cut-off");
      assertThat(resumed.next()).isGreaterThanOrEqualTo(beforeTheCut.next());
      long secondPid = Long.parseLong(run.status().compute().resourceId());
      assertThat(secondPid).isNotEqualTo(workerPid);
      WorkflowStub.fromTyped(run).cancel();

      assertThatThrownBy(() -> WorkflowStub.fromTyped(run).getResult(RunResult.class))
          .isInstanceOf(WorkflowFailedException.class)
          .hasCauseInstanceOf(CanceledFailure.class);
      assertThat(run.status().phase()).isEqualTo(RunPhase.CANCELLED);
      FerryProcesses.assertGone(workerPid);
      awaitGone(secondPid, Duration.ofSeconds(60));
      FaultReport.record(
          new FaultReport.Outcome(
              "worker-cut-off",
              "local",
              "kill -9 of the Temporal dev server mid-run for longer than the heartbeat timeout",
              1,
              1,
              first.teardown().exitCode() == 5 ? 1 : 0,
              ferry.localResources().size(),
              null,
              FerryProcesses.since(start)));
      assertThat(ferry.localResources()).isEmpty();
    } finally {
      if (restarted != null) {
        restarted.destroy();
        if (!restarted.waitFor(20, TimeUnit.SECONDS)) {
          restarted.destroyForcibly();
        }
      }
    }
  }

  private static AttemptSummary awaitFirstAttemptEnded(RunWorkflow run)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (true) {
      try {
        List<AttemptSummary> attempts = run.status().attempts();
        if (!attempts.isEmpty()) {
          return attempts.getFirst();
        }
      } catch (RuntimeException serverNotBackYet) {
        // The restarted server may not answer queries yet.
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the first attempt did not end within 3 minutes of the restart");
      }
      Thread.sleep(200);
    }
  }

  /** This test's dev server: the one Temporal CLI process this JVM started. */
  private static ProcessHandle devServer() {
    List<ProcessHandle> servers =
        ProcessHandle.current()
            .children()
            .filter(
                p -> p.info().arguments().map(a -> List.of(a).contains("start-dev")).orElse(false))
            .toList();
    assertThat(servers).as("this test's Temporal dev server").hasSize(1);
    return servers.getFirst();
  }

  private static void awaitGone(long pid, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "the worker " + pid + " still runs " + limit + " after Temporal went away");
      }
      Thread.sleep(100);
    }
  }
}
