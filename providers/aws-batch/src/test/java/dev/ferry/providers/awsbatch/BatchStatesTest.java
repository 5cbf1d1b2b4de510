package dev.ferry.providers.awsbatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.api.ComputeState;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.batch.model.JobStatus;

class BatchStatesTest {

  private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

  private static BatchJob job(JobStatus status, String reason, Integer exitCode) {
    return new BatchJob(
        "id-1",
        "arn:aws:batch:us-east-1:1:job/id-1",
        "ferry-abc-a1",
        "ferry-queue",
        status,
        reason,
        exitCode,
        null,
        NOW.minus(Duration.ofMinutes(10)),
        Map.of());
  }

  private static ComputeState map(JobStatus status, String reason, Integer exitCode) {
    return BatchStates.toComputeState(job(status, reason, exitCode), null, NOW);
  }

  @Test
  void mapsEveryStatusTheSdkKnows() {
    for (JobStatus status : JobStatus.values()) {
      assertThat(map(status, null, null)).as(status.toString()).isNotNull();
    }
  }

  @Test
  void waitingStatusesArePendingWithTheirReason() {
    assertThat(map(JobStatus.SUBMITTED, null, null))
        .isEqualTo(new ComputeState.Pending("SUBMITTED"));
    assertThat(map(JobStatus.PENDING, "waiting on a dependency", null))
        .isEqualTo(new ComputeState.Pending("PENDING: waiting on a dependency"));
    assertThat(map(JobStatus.RUNNABLE, null, null)).isEqualTo(new ComputeState.Pending("RUNNABLE"));
    assertThat(map(JobStatus.STARTING, null, null)).isEqualTo(new ComputeState.Pending("STARTING"));
    assertThat(map(JobStatus.UNKNOWN_TO_SDK_VERSION, null, null))
        .isInstanceOf(ComputeState.Pending.class);
  }

  @Test
  void runningIsRunning() {
    assertThat(map(JobStatus.RUNNING, null, null)).isEqualTo(new ComputeState.Running());
  }

  @Test
  void succeededIsExitedWithItsCode() {
    assertThat(map(JobStatus.SUCCEEDED, null, 0)).isEqualTo(new ComputeState.Exited(0));
    assertThat(map(JobStatus.SUCCEEDED, null, null)).isEqualTo(new ComputeState.Exited(0));
  }

  @Test
  void aContainerThatExitedNonZeroIsExited() {
    assertThat(map(JobStatus.FAILED, "Essential container in task exited", 3))
        .isEqualTo(new ComputeState.Exited(3));
    assertThat(map(JobStatus.FAILED, null, 1)).isEqualTo(new ComputeState.Exited(1));
  }

  @Test
  void aJobBatchEndedIsFailedWithTheReason() {
    assertThat(map(JobStatus.FAILED, "CannotPullContainerError: pull access denied", null))
        .isEqualTo(new ComputeState.Failed("CannotPullContainerError: pull access denied"));
    assertThat(map(JobStatus.FAILED, "Job attempt duration exceeded timeout", 137))
        .isEqualTo(
            new ComputeState.Failed("Job attempt duration exceeded timeout (exit code 137)"));
    assertThat(map(JobStatus.FAILED, null, null))
        .isEqualTo(
            new ComputeState.Failed(
                "job FAILED before its container ran, and Batch gave no reason (an image that"
                    + " cannot be pulled or started is the usual cause)"));
  }

  @Test
  void runnablePastTheBootDeadlineIsABootFailureNamingTheUsualCause() {
    BatchJob stuck = job(JobStatus.RUNNABLE, null, null);

    assertThat(BatchStates.toComputeState(stuck, NOW.plusSeconds(1), NOW))
        .isEqualTo(new ComputeState.Pending("RUNNABLE"));
    ComputeState late = BatchStates.toComputeState(stuck, NOW.minusSeconds(1), NOW);
    assertThat(late).isInstanceOf(ComputeState.Failed.class);
    assertThat(((ComputeState.Failed) late).reason())
        .contains("RUNNABLE after its boot timeout")
        .contains("waiting PT10M")
        .contains("no compute environment of job queue ferry-queue has capacity");
  }

  @Test
  void onlySucceededAndFailedAreFinal() {
    for (JobStatus status : JobStatus.values()) {
      assertThat(BatchStates.isFinal(status))
          .as(status.toString())
          .isEqualTo(status == JobStatus.SUCCEEDED || status == JobStatus.FAILED);
    }
  }
}
