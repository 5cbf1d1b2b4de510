package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.api.AttemptOutcome;
import dev.ferry.api.AttemptSummary;
import dev.ferry.api.PrimesCheckpoint;
import dev.ferry.api.PrimesOutput;
import dev.ferry.api.RunPhase;
import dev.ferry.api.RunRequest;
import dev.ferry.api.RunResult;
import dev.ferry.api.RunStatus;
import dev.ferry.api.RunTimeouts;
import dev.ferry.api.RunWorkflow;
import dev.ferry.api.TaskQueues;
import dev.ferry.starter.TemporalConnection;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 of the external worker mid-run: the run finishes on new compute, from its checkpoint. */
class KillIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long BELOW = 100_000_000_000L;
  private static final long PRIMES_BELOW = 4_118_054_813L;

  @TempDir Path dir;

  @Test
  void aKilledWorkerIsReplacedAndTheRunResumesFromItsCheckpoint() throws Exception {
    try (FerryProcesses ferry = new FerryProcesses(dir)) {
      ferry.startOrchestrator();
      WorkflowClient client =
          TemporalConnection.client(
              Map.of("TEMPORAL_ADDRESS", "127.0.0.1:" + ferry.temporalPort()));
      RunWorkflow run =
          client.newWorkflowStub(
              RunWorkflow.class,
              WorkflowOptions.newBuilder()
                  .setWorkflowId("kill-test")
                  .setTaskQueue(TaskQueues.ORCHESTRATOR)
                  .build());
      RunRequest request =
          RunRequest.of("primes", JSON.createObjectNode().put("below", BELOW))
              .withTimeouts(
                  new RunTimeouts(
                      Duration.ofMinutes(1), Duration.ofMinutes(20), Duration.ofSeconds(10)));
      WorkflowClient.start(run::run, request);

      RunStatus running = awaitProgress(run, 10.0);
      long pid = Long.parseLong(running.compute().resourceId());
      ProcessHandle.of(pid).orElseThrow().destroyForcibly();

      RunResult result = WorkflowStub.fromTyped(run).getResult(RunResult.class);
      assertThat(JSON.treeToValue(result.output(), PrimesOutput.class).count())
          .isEqualTo(PRIMES_BELOW);
      assertThat(result.attempts())
          .extracting(AttemptSummary::outcome)
          .containsExactly(AttemptOutcome.COMPUTE_LOST, AttemptOutcome.SUCCEEDED);
      assertThat(result.attempts().getFirst().teardown().exitCode()).isEqualTo(137);
      PrimesCheckpoint resumedFrom = JSON.treeToValue(result.resumedFrom(), PrimesCheckpoint.class);
      assertThat(resumedFrom.next()).isGreaterThan(BELOW / 20);
      FerryProcesses.assertGone(pid);
      FerryProcesses.assertGone(Long.parseLong(result.attempts().getLast().compute().resourceId()));
      assertThat(ferry.localResources()).isEmpty();
      client.getWorkflowServiceStubs().shutdown();
    }
  }

  /** π(n) for the bound these tests use, from published tables. */
  static long primesBelow(long below) {
    if (below != BELOW) {
      throw new IllegalArgumentException("no known π(" + below + ")");
    }
    return PRIMES_BELOW;
  }

  static RunStatus awaitProgress(RunWorkflow run, double percent) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline) {
      RunStatus status = run.status();
      if (status.phase() == RunPhase.RUNNING
          && status.progress() != null
          && status.progress().percent() >= percent) {
        return status;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("the run never reached " + percent + "% progress: " + run.status());
  }
}
