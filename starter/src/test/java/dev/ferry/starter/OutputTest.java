package dev.ferry.starter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.api.AttemptOutcome;
import dev.ferry.api.AttemptSummary;
import dev.ferry.api.ComputeHandle;
import dev.ferry.api.FailureTypes;
import dev.ferry.api.Progress;
import dev.ferry.api.QueuePlace;
import dev.ferry.api.RunPhase;
import dev.ferry.api.RunStatus;
import dev.ferry.api.RunUpdate;
import dev.ferry.api.TeardownReceipt;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.GlobalDataConverter;
import io.temporal.failure.ApplicationFailure;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutputTest {

  private static final Instant T0 = Instant.parse("2030-01-02T03:04:05Z");
  private static final ComputeHandle BOX = new ComputeHandle("docker", "ferry-r1-1", "c0ffee");

  private static RunStatus status(
      RunPhase phase, int attempt, ComputeHandle compute, Progress progress, String failure) {
    return new RunStatus(
        phase, attempt, 3, compute, progress, T0, T0, List.of(), failure, null, null);
  }

  @Test
  void showsOnlyThePhaseBeforeTheFirstAttempt() {
    assertThat(Output.progress(status(RunPhase.PROVISIONING, 0, null, null, null)))
        .isEqualTo("[PROVISIONING]");
  }

  @Test
  void showsAQueuedRunsPlaceAndTheLimitItWaitsFor() {
    RunStatus joining =
        new RunStatus(
            RunPhase.QUEUED,
            0,
            3,
            null,
            null,
            T0,
            T0,
            List.of(),
            null,
            null,
            new QueuePlace("local", 5, null));

    assertThat(Output.progress(joining))
        .isEqualTo("[QUEUED] · joining the queue for local (limit 5 at once)");
    assertThat(Output.status("r1", withPlace(joining, 17)))
        .startsWith("r1 [QUEUED] · place 17 in the queue for local (limit 5 at once)");
  }

  private static RunStatus withPlace(RunStatus status, int place) {
    return new RunStatus(
        status.phase(),
        status.attempt(),
        status.maxAttempts(),
        status.compute(),
        status.progress(),
        status.startedAt(),
        status.phaseSince(),
        status.attempts(),
        status.failure(),
        status.image(),
        status.queue().withPlace(place));
  }

  @Test
  void showsAttemptComputeAndProgress() {
    Progress progress = new Progress(1, 3, "segment 2");

    assertThat(Output.progress(status(RunPhase.RUNNING, 2, BOX, progress, null)))
        .isEqualTo("[RUNNING] attempt 2/3 on docker ferry-r1-1 · 33.3% · segment 2");
  }

  @Test
  void leavesOutABlankProgressMessage() {
    assertThat(Output.progress(status(RunPhase.RUNNING, 1, null, new Progress(5, 0, " "), null)))
        .isEqualTo("[RUNNING] attempt 1/3 · 0.0%");
  }

  @Test
  void showsAPullRequestSideAsItsRunWouldRead() {
    Progress progress = new Progress(1, 3, "segment 2");
    RunStatus run = status(RunPhase.FAILED, 2, BOX, progress, "exit 1");

    assertThat(Output.progress(RunUpdate.of("pr-a-b-1-abc-old", run)))
        .isEqualTo(Output.progress(run))
        .isEqualTo("[FAILED] attempt 2/3 on docker ferry-r1-1 · 33.3% · segment 2 · exit 1");
  }

  @Test
  void showsWhyARunFailed() {
    assertThat(Output.progress(status(RunPhase.FAILED, 1, null, null, "out of memory")))
        .isEqualTo("[FAILED] attempt 1/3 · out of memory");
  }

  @Test
  void saysWhenAnAttemptHasNoTeardownReceipt() {
    AttemptSummary attempt =
        new AttemptSummary(1, null, AttemptOutcome.PROVISION_FAILED, "quota", null);

    assertThat(Output.attempt(attempt))
        .isEqualTo("attempt 1: PROVISION_FAILED (quota); no teardown receipt");
  }

  @Test
  void saysWhenTeardownFoundNothingLeft() {
    AttemptSummary attempt =
        new AttemptSummary(
            2,
            BOX,
            AttemptOutcome.COMPUTE_LOST,
            "no heartbeat",
            TeardownReceipt.alreadyGone(BOX, T0));

    assertThat(Output.attempt(attempt))
        .isEqualTo(
            "attempt 2: COMPUTE_LOST on docker ferry-r1-1 (no heartbeat);"
                + " teardown: nothing left to remove");
  }

  @Test
  void showsTheReceiptWithAnUnknownExitCodeAndNoLog() {
    TeardownReceipt receipt =
        new TeardownReceipt("docker", "ferry-r1-1", "c0ffee", true, null, List.of(), T0);
    AttemptSummary attempt =
        new AttemptSummary(1, BOX, AttemptOutcome.RUN_TIMED_OUT, "ran 2h", receipt);

    assertThat(Output.attempt(attempt))
        .isEqualTo(
            "attempt 1: RUN_TIMED_OUT on docker ferry-r1-1 (ran 2h);"
                + " torn down at 2030-01-02T03:04:05Z, exit code unknown");
  }

  @Test
  void readsTheAttemptsAFailureCarries() {
    TeardownReceipt receipt =
        new TeardownReceipt("docker", "ferry-r1-1", "c0ffee", true, 3, List.of("a", "boom"), T0);
    AttemptSummary attempt =
        new AttemptSummary(1, BOX, AttemptOutcome.WORKLOAD_FAILED, "exit 3", receipt);
    ApplicationFailure failure =
        asReceived(
            ApplicationFailure.newNonRetryableFailure(
                "boom", FailureTypes.WORKLOAD_FAILED, List.of(attempt)));

    assertThat(Output.attempts(failure))
        .containsExactly(
            "attempt 1: WORKLOAD_FAILED on docker ferry-r1-1 (exit 3);"
                + " torn down at 2030-01-02T03:04:05Z, exit code 3, last log line: boom");
  }

  @Test
  void findsNoAttemptsInAFailureWithoutDetails() {
    ApplicationFailure failure =
        asReceived(ApplicationFailure.newNonRetryableFailure("bad", FailureTypes.INVALID_REQUEST));

    assertThat(Output.attempts(failure)).isEmpty();
    assertThat(Output.failureJson("r1", failure))
        .isEqualTo(
            "{\"workflowId\":\"r1\",\"failure\":\"bad\",\"type\":\"InvalidRequest\","
                + "\"attempts\":[]}");
  }

  /** The failure as a client receives it: encoded by the workflow, decoded from the payload. */
  private static ApplicationFailure asReceived(ApplicationFailure thrown) {
    DataConverter converter = GlobalDataConverter.get();
    return (ApplicationFailure) converter.failureToException(converter.exceptionToFailure(thrown));
  }
}
