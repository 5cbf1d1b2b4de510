package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.api.Labels;
import dev.ferry.api.PrimesCheckpoint;
import dev.ferry.api.RunResult;
import dev.ferry.api.RunWorkflow;
import dev.ferry.providers.FaultReport;
import dev.ferry.providers.Infrastructure;
import io.temporal.client.WorkflowStub;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
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

      JsonNode result = ferry.runPrimesToTheEnd("docker-e2e");

      assertThat(result.at("/attempts/0/teardown/provider").asText()).isEqualTo("docker");
      assertThat(DockerImages.containers(Labels.WORKFLOW_ID + "=docker-e2e")).isEmpty();
    }
  }

  @Test
  void aPullRequestCheckRunsBothSidesInContainersAndReportsANewFailure() throws Exception {
    TestRepo repo = new TestRepo(java.nio.file.Files.createDirectories(dir.resolve("repo")));
    String base = repo.commit(Map.of(".ferry/check", "grep -q good state", "state", "good"));
    String head = repo.commit(Map.of("state", "bad"));
    try (DumbHttpGit served = new DumbHttpGit(dir.resolve("repo"), dir);
        FakeGitHub github = new FakeGitHub("gh-token");
        FerryProcesses ferry = new FerryProcesses(dir)) {
      ferry.startOrchestrator(
          Map.of(
              "FERRY_PROVIDER",
              "docker",
              "FERRY_IMAGE",
              image,
              "GITHUB_TOKEN",
              "gh-token",
              "GITHUB_API_URL",
              github.url()));

      FerryProcesses.Finished pr =
          ferry.cli(
              "pr",
              "--repo",
              "acme/widgets",
              "--pr",
              "3",
              "--old",
              base,
              "--new",
              head,
              "--clone-url",
              served.url(),
              "--wait");

      assertThat(pr.exitCode()).as(pr.stderr() + ferry.log("orchestrator.log")).isEqualTo(1);
      assertThat(pr.stdout()).contains("failure · new failure: exit 1");
      assertThat(pr.stderr()).contains("base [RUNNING] attempt 1/3 on docker ferry-");
      assertThat(github.statuses())
          .extracting(FakeGitHub.Received::state)
          .containsExactly("pending", "failure");
      assertThat(
              DockerImages.containers(
                  Labels.WORKFLOW_ID + "=pr-acme-widgets-3-" + head.substring(0, 12) + "-old"))
          .isEmpty();
      assertThat(
              DockerImages.containers(
                  Labels.WORKFLOW_ID + "=pr-acme-widgets-3-" + head.substring(0, 12) + "-new"))
          .isEmpty();
    }
  }

  @Test
  void theDemoChoosesDockerWhenTheEngineHasTheImage() throws Exception {
    try (FerryProcesses ferry = new FerryProcesses(dir)) {
      Process demo =
          ferry.startOnEmbeddedTemporal(
              "demo", Map.of("FERRY_PROVIDER", "", "FERRY_IMAGE", image), "demo.log");

      assertThat(demo.waitFor(3, TimeUnit.MINUTES)).as("demo ends").isTrue();
      String log = ferry.log("demo.log");
      assertThat(demo.exitValue()).as(log).isZero();
      assertThat(log)
          .contains("provider docker: a Docker engine answers and has the image " + image)
          .contains("664579", "on docker ferry-", "exit code 0");
      // Only this demo's containers: other Ferry containers may exist on a shared engine.
      Matcher started = Pattern.compile("(?m)^started (\\S+)$").matcher(log);
      assertThat(started.find()).as("the demo names its run: %s", log).isTrue();
      assertThat(DockerImages.containers(Labels.WORKFLOW_ID + "=" + started.group(1))).isEmpty();
    }
  }

  @Test
  @Tag("fault")
  void aKilledContainerIsReplacedAndTheRunResumesFromItsCheckpoint() throws Exception {
    long start = System.nanoTime();
    try (FerryProcesses ferry = new FerryProcesses(dir)) {
      ferry.startOrchestrator(Map.of("FERRY_PROVIDER", "docker", "FERRY_IMAGE", image));
      RunWorkflow run = LongPrimesRun.start(ferry.client(), "docker-kill");

      LongPrimesRun.awaitCheckpoint(ferry.client(), "docker-kill");
      FrozenCompute container = FrozenCompute.container(run.status().compute().resourceId());
      PrimesCheckpoint lastSeen = LongPrimesRun.frozenCheckpoint(ferry.client(), "docker-kill");
      container.kill();
      RunResult result = WorkflowStub.fromTyped(run).getResult(RunResult.class);

      FaultReport.record(
          new FaultReport.Outcome(
              "worker-killed",
              "docker",
              "docker kill of the worker container mid-run",
              1,
              1,
              LongPrimesRun.resumedAfterLoss(result, lastSeen) ? 1 : 0,
              DockerImages.containers(Labels.WORKFLOW_ID + "=docker-kill").size(),
              null,
              FerryProcesses.since(start)));
      LongPrimesRun.assertResumedAfterLoss(result, lastSeen);
      assertThat(DockerImages.containers(Labels.WORKFLOW_ID + "=docker-kill")).isEmpty();
    }
  }
}
