package dev.ferry.orchestrator;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.ferry.api.PrCheckOutput;
import dev.ferry.api.RunPhase;
import dev.ferry.api.RunRequest;
import dev.ferry.api.RunResult;
import dev.ferry.api.RunUpdate;
import dev.ferry.api.RunWorkflow;
import dev.ferry.api.SideOutcome;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.ChildWorkflowCancellationType;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;

/** One side of a pull-request check: a child run of the {@code pr-check} workload. */
final class PullRequestSide {

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final String runId;
  private final CancellationScope scope;

  /** What a side cancelled because the other could not run says instead of its failure. */
  static final String CANCELLED = "cancelled: the other side could not run";

  private Promise<RunResult> result;
  private boolean cancelled;
  private RunUpdate reported;

  PullRequestSide(String runId, RunRequest request) {
    this.runId = runId;
    RunWorkflow child =
        Workflow.newChildWorkflowStub(
            RunWorkflow.class,
            ChildWorkflowOptions.newBuilder()
                .setWorkflowId(runId)
                .setWorkflowIdReusePolicy(
                    WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
                // Cancelling a side waits for its teardown, so nothing outlives the check.
                .setCancellationType(ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED)
                .build());
    this.scope = Workflow.newCancellationScope(() -> result = Async.function(child::run, request));
  }

  String runId() {
    return runId;
  }

  void start() {
    scope.run();
  }

  /** The side's run told its parent how it goes. */
  void reported(RunUpdate update) {
    reported = update;
  }

  /**
   * The side's run as it last reported, in its final phase once it has ended (its last report may
   * have been sent before its end); null before its first report.
   */
  RunUpdate run() {
    if (result == null || !result.isCompleted()) {
      return reported;
    }
    RunUpdate last =
        reported != null
            ? reported
            : new RunUpdate(runId, RunPhase.PROVISIONING, 0, 0, null, null, null);
    RuntimeException failure = result.getFailure();
    if (failure == null) {
      return last.inPhase(RunPhase.SUCCEEDED, null);
    }
    return isCancellation(failure)
        ? last.inPhase(RunPhase.CANCELLED, cancelled ? CANCELLED : "cancelled")
        : last.inPhase(RunPhase.FAILED, reason(failure));
  }

  boolean done() {
    return result.isCompleted();
  }

  /** Never started, or ended: nothing of this side is running. */
  boolean settled() {
    return result == null || result.isCompleted();
  }

  boolean failed() {
    return result.isCompleted() && result.getFailure() != null;
  }

  void cancel() {
    cancelled = true;
    scope.cancel();
  }

  /** How the side ended; call once {@link #done()}. */
  SideOutcome outcome() {
    RuntimeException failure = result.getFailure();
    if (failure == null) {
      RunResult run = result.get();
      return new SideOutcome(
          JSON.convertValue(run.output(), PrCheckOutput.class), run.elapsed(), null);
    }
    return new SideOutcome(null, null, cancelled ? CANCELLED : reason(failure));
  }

  private static boolean isCancellation(Throwable failure) {
    Throwable cause = failure instanceof ChildWorkflowFailure child ? child.getCause() : failure;
    return cause instanceof CanceledFailure || failure instanceof CanceledFailure;
  }

  private static String reason(Throwable failure) {
    Throwable cause = failure instanceof ChildWorkflowFailure child ? child.getCause() : failure;
    if (cause instanceof ApplicationFailure application) {
      return application.getOriginalMessage();
    }
    if (cause instanceof TemporalFailure temporal) {
      return temporal.getOriginalMessage();
    }
    return String.valueOf(cause);
  }
}
