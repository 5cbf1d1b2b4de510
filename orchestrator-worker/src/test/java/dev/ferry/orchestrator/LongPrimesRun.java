package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.api.AttemptOutcome;
import dev.ferry.api.AttemptSummary;
import dev.ferry.api.PrimesCheckpoint;
import dev.ferry.api.PrimesOutput;
import dev.ferry.api.RunRequest;
import dev.ferry.api.RunResult;
import dev.ferry.api.RunTimeouts;
import dev.ferry.api.RunWorkflow;
import dev.ferry.api.TaskQueues;
import dev.ferry.api.WorkloadActivity;
import dev.ferry.api.WorkloadHeartbeat;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.time.Duration;
import java.util.Optional;

/**
 * A primes run with thousands of checkpoints, which kill and restart tests of every provider start,
 * freeze mid-way, and check. How long it takes does not matter to them: they read its checkpoint
 * from Temporal itself (the heartbeat details of the running workload activity, with none of the
 * run status's lag) and freeze its compute ({@link FrozenCompute}) before they act, so the workload
 * can neither advance nor finish meanwhile.
 */
final class LongPrimesRun {

  static final long BELOW = 100_000_000_000L;

  /** π(10^11), from published tables. */
  static final long PRIMES_BELOW = 4_118_054_813L;

  /** Heartbeat timeout of a run that is killed: its loss is noticed within it. */
  static final Duration KILLED_HEARTBEAT = Duration.ofSeconds(10);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration DEADLINE = Duration.ofMinutes(3);

  private LongPrimesRun() {}

  static RunWorkflow start(WorkflowClient client, String workflowId) {
    return start(client, workflowId, KILLED_HEARTBEAT);
  }

  /**
   * Starts the run; a test that keeps the compute frozen longer than {@code heartbeatTimeout} makes
   * the run count it lost.
   */
  static RunWorkflow start(WorkflowClient client, String workflowId, Duration heartbeatTimeout) {
    return start(client, workflowId, heartbeatTimeout, BELOW);
  }

  /**
   * Starts a run of primes below {@code below}: shorter than the default, for fewer checkpoints.
   */
  static RunWorkflow start(
      WorkflowClient client, String workflowId, Duration heartbeatTimeout, long below) {
    RunWorkflow run =
        client.newWorkflowStub(
            RunWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(workflowId)
                .setTaskQueue(TaskQueues.ORCHESTRATOR)
                .build());
    WorkflowClient.start(
        run::run,
        RunRequest.of("primes", JSON.createObjectNode().put("below", below))
            .withTimeouts(
                new RunTimeouts(Duration.ofMinutes(2), Duration.ofMinutes(20), heartbeatTimeout)));
    return run;
  }

  /**
   * Waits until the workload activity runs and Temporal holds a checkpoint of it (the SDK sends a
   * task's first heartbeat at once), then returns that checkpoint.
   */
  static PrimesCheckpoint awaitCheckpoint(WorkflowClient client, String workflowId)
      throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (true) {
      Optional<PrimesCheckpoint> checkpoint = checkpoint(client, workflowId);
      if (checkpoint.isPresent()) {
        return checkpoint.get();
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the run reported no checkpoint within " + DEADLINE);
      }
      Thread.sleep(20);
    }
  }

  /**
   * The checkpoint of the running workload activity as Temporal holds it now.
   *
   * @throws AssertionError when the run has closed: a test that meant to catch it mid-way did not
   */
  static Optional<PrimesCheckpoint> checkpoint(WorkflowClient client, String workflowId) {
    DescribeWorkflowExecutionResponse described =
        client
            .getWorkflowServiceStubs()
            .blockingStub()
            .describeWorkflowExecution(
                DescribeWorkflowExecutionRequest.newBuilder()
                    .setNamespace(client.getOptions().getNamespace())
                    .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                    .build());
    WorkflowExecutionStatus status = described.getWorkflowExecutionInfo().getStatus();
    if (status != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      throw new AssertionError(
          "run " + workflowId + " closed (" + status + ") before the test acted");
    }
    return described.getPendingActivitiesList().stream()
        .filter(a -> a.getActivityType().getName().equals(WorkloadActivity.TYPE))
        .filter(PendingActivityInfo::hasHeartbeatDetails)
        .map(a -> heartbeat(client, a))
        .filter(h -> h.checkpoint() != null)
        .map(h -> JSON.convertValue(h.checkpoint(), PrimesCheckpoint.class))
        .findFirst();
  }

  /**
   * The checkpoint Temporal holds once the compute is frozen: the one a replacement resumes from,
   * or a later one that was already on its way.
   */
  static PrimesCheckpoint frozenCheckpoint(WorkflowClient client, String workflowId) {
    return checkpoint(client, workflowId)
        .orElseThrow(() -> new AssertionError("the frozen run holds no checkpoint"));
  }

  private static WorkloadHeartbeat heartbeat(WorkflowClient client, PendingActivityInfo activity) {
    return client
        .getOptions()
        .getDataConverter()
        .fromPayloads(
            0,
            Optional.of(activity.getHeartbeatDetails()),
            WorkloadHeartbeat.class,
            WorkloadHeartbeat.class);
  }

  /**
   * The right answer, on a second compute that resumed from the first one's last checkpoint (the
   * one read while it was frozen, or one sent just before).
   */
  /** Whether {@link #assertResumedAfterLoss} holds, for a fault report written before it runs. */
  static boolean resumedAfterLoss(RunResult result, PrimesCheckpoint lastSeen) {
    try {
      assertResumedAfterLoss(result, lastSeen);
      return true;
    } catch (AssertionError | JsonProcessingException e) {
      return false;
    }
  }

  static void assertResumedAfterLoss(RunResult result, PrimesCheckpoint lastSeen)
      throws JsonProcessingException {
    assertThat(JSON.treeToValue(result.output(), PrimesOutput.class).count())
        .isEqualTo(PRIMES_BELOW);
    assertThat(result.attempts())
        .extracting(AttemptSummary::outcome)
        .containsExactly(AttemptOutcome.COMPUTE_LOST, AttemptOutcome.SUCCEEDED);
    assertThat(result.resumedFrom()).as("the checkpoint the replacement resumed from").isNotNull();
    PrimesCheckpoint resumedFrom = JSON.treeToValue(result.resumedFrom(), PrimesCheckpoint.class);
    assertThat(lastSeen.next()).isPositive();
    assertThat(resumedFrom.next()).isGreaterThanOrEqualTo(lastSeen.next());
  }
}
