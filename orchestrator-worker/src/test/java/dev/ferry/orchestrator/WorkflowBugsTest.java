package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.api.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.worker.NonDeterministicException;
import org.junit.jupiter.api.Test;

/** Which exceptions of workflow code fail the run, and which leave it to a fixed deploy. */
class WorkflowBugsTest {

  @Test
  void aBugBecomesANonRetryableInternalErrorNamingTheException() {
    NullPointerException bug = new NullPointerException("state is null");

    RuntimeException failure = WorkflowBugs.toFailure(bug, "run");

    assertThat(failure)
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo(FailureTypes.INTERNAL_ERROR);
              assertThat(f.isNonRetryable()).isTrue();
              assertThat(f.getOriginalMessage())
                  .isEqualTo(
                      "internal error in Ferry's run workflow (a bug, please report it): "
                          + "java.lang.NullPointerException: state is null");
              assertThat(f.getCause()).isSameAs(bug);
            });
  }

  @Test
  void nonDeterminismIsLeftToBlockTheWorkflowTaskUntilAFixedDeploy() {
    NonDeterministicException replayMismatch = new NonDeterministicException("command mismatch");

    assertThat(WorkflowBugs.toFailure(replayMismatch, "run")).isSameAs(replayMismatch);
  }

  @Test
  void temporalFailuresAreKeptAsTheyAre() {
    CanceledFailure cancelled = new CanceledFailure("cancelled");

    assertThat(WorkflowBugs.toFailure(cancelled, "run")).isSameAs(cancelled);
  }
}
