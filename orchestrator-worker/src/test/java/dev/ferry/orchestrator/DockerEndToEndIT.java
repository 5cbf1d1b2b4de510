package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.api.AttemptOutcome;
import dev.ferry.api.AttemptSummary;
import dev.ferry.api.Labels;
import dev.ferry.api.PrimesCheckpoint;
import dev.ferry.api.PrimesOutput;
import dev.ferry.api.RunPhase;
import dev.ferry.api.RunRequest;
import dev.ferry.api.RunResult;
import dev.ferry.api.RunStatus;
import dev.ferry.api.RunTimeouts;
import dev.ferry.api.RunWorkflow;
import dev.ferry.api.TaskQueues;
import dev.ferry.providers.Infrastructure;
import dev.ferry.starter.TemporalConnection;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs on the docker provider: a real engine, the image built from Dockerfile.external, workers on
 * the host network reaching a port-bound Temporal test server, the orchestrator and the CLI as
 * separate processes.
 */
class DockerEndToEndIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private String image;

  @BeforeEach
  void needsADockerEngine() {
    Infrastructure.require("a Docker engine (docker info)", DockerImages.engineAnswers());
    image = DockerImages.workerImage();
  }

  @Test
  void aPrimesRunInAContainerReturnsTheCountAndLeavesNoContainer() throws Exception {
    try (FerryProcesses ferry = new FerryProcesses(dir)) {
      ferry.startOrchestrator(Map.of("FERRY_PROVIDER", "docker", "FERRY_IMAGE", image));

      FerryProcesses.Finished run =
          ferry.cli(
              "run",
              "primes",
              "--input",
              "{\"below\": 10000000}",
              "--wait",
              "--json",
              "--id",
              "docker-e2e");

      assertThat(run.exitCode()).as(run.stderr() + ferry.log("orchestrator.log")).isZero();
      JsonNode result = JSON.readTree(run.stdout());
      assertThat(result.at("/output/count").asLong()).isEqualTo(664_579);
      JsonNode receipt = result.at("/attempts/0/teardown");
      assertThat(receipt.get("provider").asText()).isEqualTo("docker");
      assertThat(receipt.get("found").asBoolean()).isTrue();
      assertThat(receipt.get("exitCode").asInt()).isZero();
      assertThat(receipt.get("logTail")).isNotEmpty();
      assertThat(DockerImages.containers(Labels.WORKFLOW_ID + "=docker-e2e")).isEmpty();
    }
  }

  @Test
  void theDemoChoosesDockerWhenTheEngineHasTheImage() throws Exception {
    try (FerryProcesses ferry = new FerryProcesses(dir)) {
      Process demo =
          ferry.start(
              FerryProcesses.ORCHESTRATOR_JAR,
              List.of("demo"),
              Map.of(
                  "FERRY_PROVIDER",
                  "",
                  "TEMPORAL_ADDRESS",
                  "",
                  "FERRY_TEMPORAL_PORT",
                  String.valueOf(FerryProcesses.freePort()),
                  "FERRY_IMAGE",
                  image),
              dir.resolve("demo.log"));

      assertThat(demo.waitFor(3, TimeUnit.MINUTES)).as("demo ends").isTrue();
      String log = ferry.log("demo.log");
      assertThat(demo.exitValue()).as(log).isZero();
      assertThat(log)
          .contains("provider docker: a Docker engine answers and has the image " + image)
          .contains("664579", "on docker ferry-", "exit code 0");
      assertThat(DockerImages.containers(Labels.MANAGED + "=true")).isEmpty();
    }
  }

  @Test
  void aKilledContainerIsReplacedAndTheRunResumesFromItsCheckpoint() throws Exception {
    try (FerryProcesses ferry = new FerryProcesses(dir)) {
      ferry.startOrchestrator(Map.of("FERRY_PROVIDER", "docker", "FERRY_IMAGE", image));
      WorkflowClient client =
          TemporalConnection.client(
              Map.of("TEMPORAL_ADDRESS", "127.0.0.1:" + ferry.temporalPort()));
      RunWorkflow run =
          client.newWorkflowStub(
              RunWorkflow.class,
              WorkflowOptions.newBuilder()
                  .setWorkflowId("docker-kill")
                  .setTaskQueue(TaskQueues.ORCHESTRATOR)
                  .build());
      long below = 100_000_000_000L;
      WorkflowClient.start(
          run::run,
          RunRequest.of("primes", JSON.createObjectNode().put("below", below))
              .withTimeouts(
                  new RunTimeouts(
                      Duration.ofMinutes(2), Duration.ofMinutes(20), Duration.ofSeconds(10))));

      RunStatus running = KillIT.awaitProgress(run, 10.0);
      DockerImages.kill(running.compute().resourceId());
      RunResult result = WorkflowStub.fromTyped(run).getResult(RunResult.class);

      PrimesOutput output = JSON.treeToValue(result.output(), PrimesOutput.class);
      assertThat(output.count()).isEqualTo(KillIT.primesBelow(below));
      assertThat(result.attempts())
          .extracting(AttemptSummary::outcome)
          .containsExactly(AttemptOutcome.COMPUTE_LOST, AttemptOutcome.SUCCEEDED);
      assertThat(JSON.treeToValue(result.resumedFrom(), PrimesCheckpoint.class).next())
          .isGreaterThan(0);
      assertThat(DockerImages.containers(Labels.WORKFLOW_ID + "=docker-kill")).isEmpty();
      client.getWorkflowServiceStubs().shutdown();
      assertThat(running.phase()).isEqualTo(RunPhase.RUNNING);
    }
  }
}
