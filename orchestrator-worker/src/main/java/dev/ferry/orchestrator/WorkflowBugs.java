package dev.ferry.orchestrator;

import dev.ferry.api.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.worker.NonDeterministicException;

/**
 * What a workflow does with an exception its own code threw.
 *
 * <p>By default the Java SDK fails the workflow task, not the workflow, on any exception that is
 * not a {@link TemporalFailure}, and retries the task until new code is deployed: a bug that throws
 * every time leaves the run open forever (its compute already torn down by the attempt's {@code
 * finally}). Ferry fails the run instead, with a clear reason, once the teardown is done. Two kinds
 * still block rather than fail, because a deploy can fix them and the run then goes on: {@link
 * Error}s (a class missing from a half-finished deploy, the SDK's own thread-destroying errors, an
 * unsupported {@code Workflow.getVersion}) are never caught, and a {@link
 * NonDeterministicException} (new code replaying old history differently) is passed through.
 */
final class WorkflowBugs {

  private WorkflowBugs() {}

  /**
   * The exception to end the workflow with: Temporal failures and non-determinism as they are,
   * anything else as a non-retryable {@link FailureTypes#INTERNAL_ERROR} naming the exception.
   */
  static RuntimeException toFailure(RuntimeException thrown, String workflow) {
    if (thrown instanceof TemporalFailure || thrown instanceof NonDeterministicException) {
      return thrown;
    }
    return ApplicationFailure.newNonRetryableFailureWithCause(
        "internal error in Ferry's " + workflow + " workflow (a bug, please report it): " + thrown,
        FailureTypes.INTERNAL_ERROR,
        thrown);
  }
}
