package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.api.Labels;
import dev.ferry.api.ReaperStatus;
import dev.ferry.api.ReaperWorkflow;
import dev.ferry.api.RunWorkflow;
import dev.ferry.providers.FaultReport;
import dev.ferry.providers.Infrastructure;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Terminate a run mid-way, as an operator might: no workflow code runs, so the run cannot tear its
 * compute down. The reaper, running in the orchestrator process on a short interval, removes that
 * compute within its next round, on {@code local} and on {@code docker}.
 */
@Tag("fault")
class ReaperIT {

  private static final Logger log = LoggerFactory.getLogger(ReaperIT.class);

  /** The interval the orchestrator is given; the default is a minute. */
  private static final Duration INTERVAL = Duration.ofSeconds(3);

  /**
   * The time a removal may take once the reaper has picked it (SIGTERM, the worker's last
   * heartbeat, the provider confirming it is gone), on top of one interval; generous for a loaded
   * machine.
   */
  private static final Duration REMOVAL = Duration.ofSeconds(30);

  @TempDir Path dir;

  @Test
  void theWorkerProcessOfATerminatedRunIsRemovedByTheReaper() throws Exception {
    try (FerryProcesses ferry = new FerryProcesses(dir)) {
      ferry.startOrchestrator(Map.of("FERRY_REAPER_INTERVAL", INTERVAL.toSeconds() + "s"));
      WorkflowClient client = ferry.client();
      RunWorkflow run = LongPrimesRun.start(client, "reap-local");
      LongPrimesRun.awaitCheckpoint(client, "reap-local");
      long pid = Long.parseLong(run.status().compute().resourceId());

      long terminated = System.nanoTime();
      client.newUntypedWorkflowStub("reap-local").terminate("operator");

      awaitReaped(
          "local",
          INTERVAL.plus(REMOVAL),
          () -> ferry.localResources().isEmpty() && !ProcessHandle.of(pid).isPresent(),
          ferry,
          terminated);
      assertThat(status(client, "reap-local"))
          .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);
      FerryProcesses.assertGone(pid);
      assertThat(ferry.localResources()).isEmpty();
      // The round counts a removal once its deprovision activity has returned, a moment after the
      // process is gone.
      awaitReapedCount(client);
      assertThat(ferry.log("orchestrator.log")).contains("reaper: removed").contains("reap-local");
    }
  }

  @Test
  void theContainerOfATerminatedRunIsRemovedByTheReaper() throws Exception {
    Infrastructure.require("a Docker engine (docker info)", DockerImages.engineAnswers());
    String image = DockerImages.workerImage();
    try (FerryProcesses ferry = new FerryProcesses(dir)) {
      ferry.startOrchestrator(
          Map.of(
              "FERRY_PROVIDER",
              "docker",
              "FERRY_IMAGE",
              image,
              "FERRY_REAPER_INTERVAL",
              INTERVAL.toSeconds() + "s"));
      WorkflowClient client = ferry.client();
      String id = "reap-docker-" + System.nanoTime();
      LongPrimesRun.start(client, id);
      LongPrimesRun.awaitCheckpoint(client, id);
      assertThat(DockerImages.containers(Labels.WORKFLOW_ID + "=" + id)).hasSize(1);

      long terminated = System.nanoTime();
      client.newUntypedWorkflowStub(id).terminate("operator");

      awaitReaped(
          "docker",
          INTERVAL.plus(REMOVAL),
          () -> DockerImages.containers(Labels.WORKFLOW_ID + "=" + id).isEmpty(),
          ferry,
          terminated);
      assertThat(status(client, id))
          .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);
      awaitReapedCount(client);
    }
  }

  /** Waits for the compute to go, records the scenario with its reap latency, then asserts. */
  private static void awaitReaped(
      String provider, Duration limit, BooleanSupplier done, FerryProcesses ferry, long since)
      throws InterruptedException {
    long deadline = since + limit.toNanos();
    boolean gone;
    while (!(gone = done.getAsBoolean()) && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    Duration latency = FerryProcesses.since(since);
    FaultReport.record(
        new FaultReport.Outcome(
            "run-terminated",
            provider,
            "workflow terminated mid-run (reaper interval " + INTERVAL.toSeconds() + " s)",
            1,
            1,
            1,
            gone ? 0 : 1,
            gone ? latency : null,
            latency));
    if (!gone) {
      throw new AssertionError(
          "the compute was still there "
              + limit
              + " after the run was terminated; "
              + ferry.log("orchestrator.log"));
    }
    log.info("compute removed {} after the run was terminated", latency);
  }

  /** Waits until the reaper counts at least one removal of a closed run's compute. */
  private static void awaitReapedCount(WorkflowClient client) throws InterruptedException {
    long deadline = System.nanoTime() + REMOVAL.toNanos();
    while (reaper(client).reapedRunClosed() < 1) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "the reaper counted no removal within " + REMOVAL + ": " + reaper(client));
      }
      Thread.sleep(100);
    }
  }

  private static ReaperStatus reaper(WorkflowClient client) {
    return client.newWorkflowStub(ReaperWorkflow.class, ReaperWorkflow.ID).status();
  }

  private static WorkflowExecutionStatus status(WorkflowClient client, String workflowId) {
    return WorkflowDescriptions.describe(client, workflowId, null)
        .getWorkflowExecutionInfo()
        .getStatus();
  }
}
