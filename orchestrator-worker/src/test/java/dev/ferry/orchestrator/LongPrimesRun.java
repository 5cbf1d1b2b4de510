package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
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
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.time.Duration;

/**
 * A primes run long enough (about a minute on one core) to kill its compute mid-way: what the kill
 * tests of every provider start, wait on, and check.
 */
final class LongPrimesRun {

  static final long BELOW = 100_000_000_000L;

  /** π(10^11), from published tables. */
  static final long PRIMES_BELOW = 4_118_054_813L;

  private static final ObjectMapper JSON = new ObjectMapper();

  private LongPrimesRun() {}

  static RunWorkflow start(WorkflowClient client, String workflowId) {
    RunWorkflow run =
        client.newWorkflowStub(
            RunWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(workflowId)
                .setTaskQueue(TaskQueues.ORCHESTRATOR)
                .build());
    WorkflowClient.start(
        run::run,
        RunRequest.of("primes", JSON.createObjectNode().put("below", BELOW))
            .withTimeouts(
                new RunTimeouts(
                    Duration.ofMinutes(2), Duration.ofMinutes(20), Duration.ofSeconds(10))));
    return run;
  }

  /** Waits until the workload runs and has reported at least this much progress. */
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

  /** The right answer, on a second compute that resumed from the first one's checkpoint. */
  static void assertResumedAfterLoss(RunResult result) throws JsonProcessingException {
    assertThat(JSON.treeToValue(result.output(), PrimesOutput.class).count())
        .isEqualTo(PRIMES_BELOW);
    assertThat(result.attempts())
        .extracting(AttemptSummary::outcome)
        .containsExactly(AttemptOutcome.COMPUTE_LOST, AttemptOutcome.SUCCEEDED);
    PrimesCheckpoint resumedFrom = JSON.treeToValue(result.resumedFrom(), PrimesCheckpoint.class);
    assertThat(resumedFrom.next()).isGreaterThan(BELOW / 20);
  }
}
