package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.Labels;
import dev.ferry.api.PrimesCheckpoint;
import dev.ferry.api.RunResult;
import dev.ferry.api.RunWorkflow;
import dev.ferry.providers.Infrastructure;
import dev.ferry.providers.awsbatch.MotoServer;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.CanceledFailure;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.JobStatus;
import software.amazon.awssdk.services.batch.model.JobSummary;

/**
 * Runs on the aws-batch provider against moto, which runs each job as a container of the image
 * built from Dockerfile.external, on the host network, reaching a port-bound Temporal test server;
 * the orchestrator and the CLI are separate processes.
 */
class AwsBatchEndToEndIT {

  @TempDir Path dir;
  private String image;
  private MotoServer moto;

  @BeforeEach
  void needsMotoAndADockerEngine() {
    Infrastructure.require("a Docker engine (docker info)", DockerImages.engineAnswers());
    moto = MotoServer.get();
    image = DockerImages.workerImage();
  }

  @Test
  void aPrimesRunAsABatchJobReturnsTheCountWithItsLogsAndLeavesNothingRunning() throws Exception {
    try (FerryProcesses ferry = new FerryProcesses(dir)) {
      ferry.startOrchestrator(orchestratorEnv());

      JsonNode result = ferry.runPrimesToTheEnd("batch-e2e");

      JsonNode receipt = result.at("/attempts/0/teardown");
      assertThat(receipt.get("provider").asText()).isEqualTo("aws-batch");
      assertThat(receipt.get("detail").asText())
          .contains(" SUCCEEDED", "log stream /aws/batch/job");
      assertThat(jobs("batch-e2e")).singleElement().satisfies(this::endedWithoutContainer);
    }
  }

  @Test
  void aCancelledRunTerminatesItsJob() throws Exception {
    try (FerryProcesses ferry = new FerryProcesses(dir)) {
      Map<String, String> env = orchestratorEnv();
      // Without a grace the teardown terminates the job at once, before the worker learns of the
      // cancellation and exits by itself (which it would, on its next heartbeat).
      env.put("FERRY_BATCH_EXIT_GRACE", "PT0S");
      ferry.startOrchestrator(env);
      RunWorkflow run = LongPrimesRun.start(ferry.client(), "batch-cancel");
      LongPrimesRun.awaitCheckpoint(ferry.client(), "batch-cancel");

      WorkflowStub.fromTyped(run).cancel();

      assertThatThrownBy(() -> WorkflowStub.fromTyped(run).getResult(RunResult.class))
          .isInstanceOf(WorkflowFailedException.class)
          .hasCauseInstanceOf(CanceledFailure.class);
      JobDetail job = awaitEnded("batch-cancel");
      assertThat(job.status()).isEqualTo(JobStatus.FAILED);
      assertThat(job.statusReason()).startsWith("Ferry deprovisioned");
      endedWithoutContainer(job);
    }
  }

  @Test
  void aKilledJobContainerIsReplacedByANewJobThatResumesFromTheCheckpoint() throws Exception {
    try (FerryProcesses ferry = new FerryProcesses(dir)) {
      ferry.startOrchestrator(orchestratorEnv());
      RunWorkflow run = LongPrimesRun.start(ferry.client(), "batch-kill");

      LongPrimesRun.awaitCheckpoint(ferry.client(), "batch-kill");
      List<String> containers = containersOf(run.status().compute().resourceId());
      assertThat(containers).hasSize(1);
      FrozenCompute container = FrozenCompute.container(containers.get(0));
      PrimesCheckpoint lastSeen = LongPrimesRun.frozenCheckpoint(ferry.client(), "batch-kill");
      container.kill();
      RunResult result = WorkflowStub.fromTyped(run).getResult(RunResult.class);

      LongPrimesRun.assertResumedAfterLoss(result, lastSeen);
      List<JobDetail> jobs = jobs("batch-kill");
      assertThat(jobs).hasSize(2);
      jobs.forEach(this::endedWithoutContainer);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"FERRY_BATCH_JOB_QUEUE", "AWS_REGION"})
  void anOrchestratorMissingASettingExitsTwoNamingIt(String variable) throws Exception {
    try (FerryProcesses ferry = new FerryProcesses(dir)) {
      Map<String, String> env = orchestratorEnv();
      env.put(variable, ""); // unset

      Process orchestrator = ferry.startOrchestrator(env);

      assertThat(orchestrator.waitFor(2, TimeUnit.MINUTES)).as("the orchestrator exits").isTrue();
      String log = ferry.log("orchestrator.log");
      assertThat(orchestrator.exitValue()).as(log).isEqualTo(2);
      assertThat(log).contains(variable).doesNotContain("\tat ");
    }
  }

  @Test
  void runsAskingForWhatBatchCannotGiveExitTwoNamingTheSettingAndSubmitNothing() throws Exception {
    try (FerryProcesses ferry = new FerryProcesses(dir)) {
      Map<String, String> env = orchestratorEnv();
      env.put("FERRY_IMAGE", ""); // unset: each run must name its image
      env.put("FERRY_ALLOWED_IMAGES", image);
      ferry.startOrchestrator(env);
      String input = "{\"below\": 1000}";

      FerryProcesses.Finished halfCpu =
          ferry.cli(
              "run",
              "primes",
              "--input",
              input,
              "--image",
              image,
              "--cpus",
              "1.5",
              "--wait",
              "--id",
              "batch-half-cpu");
      FerryProcesses.Finished noImage =
          ferry.cli("run", "primes", "--input", input, "--wait", "--id", "batch-no-image");

      assertThat(halfCpu.exitCode()).as(halfCpu.stderr()).isEqualTo(2);
      assertThat(halfCpu.stderr()).contains("compute.cpus", "1.5").doesNotContain("\tat ");
      assertThat(noImage.exitCode()).as(noImage.stderr()).isEqualTo(2);
      assertThat(noImage.stderr()).contains("FERRY_IMAGE").doesNotContain("\tat ");
      assertThat(jobs("batch-half-cpu")).isEmpty();
      assertThat(jobs("batch-no-image")).isEmpty();
    }
  }

  private Map<String, String> orchestratorEnv() {
    Map<String, String> env = new HashMap<>(moto.env());
    env.put("FERRY_PROVIDER", "aws-batch");
    env.put("FERRY_IMAGE", image);
    return env;
  }

  /** Every job of the workflow, read back with its tags. */
  private List<JobDetail> jobs(String workflowId) {
    try (BatchClient batch = moto.batch()) {
      // moto's ListJobs without a filter returns jobs in every status.
      List<String> ids =
          batch.listJobs(r -> r.jobQueue(MotoServer.QUEUE)).jobSummaryList().stream()
              .map(JobSummary::jobId)
              .toList();
      if (ids.isEmpty()) {
        return List.of();
      }
      return batch.describeJobs(r -> r.jobs(ids)).jobs().stream()
          .filter(job -> workflowId.equals(job.tags().get(Labels.WORKFLOW_ID)))
          .toList();
    }
  }

  private JobDetail awaitEnded(String workflowId) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
    while (true) {
      List<JobDetail> jobs = jobs(workflowId);
      assertThat(jobs).hasSize(1);
      JobDetail job = jobs.get(0);
      if (job.status() == JobStatus.SUCCEEDED || job.status() == JobStatus.FAILED) {
        return job;
      }
      assertThat(Instant.now()).as("job %s ends", job.jobName()).isBefore(deadline);
      Thread.sleep(500);
    }
  }

  /** The job ended, and moto removed its container (just after marking the job ended). */
  private void endedWithoutContainer(JobDetail job) {
    assertThat(job.status()).isIn(JobStatus.SUCCEEDED, JobStatus.FAILED);
    Instant deadline = Instant.now().plusSeconds(15);
    while (!containersOf(job.jobId()).isEmpty() && Instant.now().isBefore(deadline)) {
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    assertThat(containersOf(job.jobId())).as("containers of job %s", job.jobName()).isEmpty();
  }

  /** moto names a job's container after the job's name and id. */
  private static List<String> containersOf(String jobId) {
    return DockerImages.run(List.of("docker", "ps", "-aq", "--filter", "name=" + jobId))
        .stdout()
        .lines()
        .filter(line -> !line.isBlank())
        .toList();
  }
}
