package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.Labels;
import dev.ferry.api.RunPhase;
import dev.ferry.api.RunResult;
import dev.ferry.api.RunStatus;
import dev.ferry.api.RunWorkflow;
import dev.ferry.providers.Infrastructure;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowFailedException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Callback mode on the docker provider, through the real HTTP API of a {@code ferry server}
 * process: each run's compute is a container of the example image ({@code
 * docs/examples/Dockerfile.callback}: the example script on the local base image, curl and no
 * Temporal worker) on the host network, calling back to the server on loopback.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CallbackDockerIT {

  @TempDir static Path dir;
  private final HttpClient http = HttpClient.newHttpClient();
  private final String nonce = UUID.randomUUID().toString().substring(0, 6);
  private String image;
  private FerryProcesses ferry;
  private int port;

  @BeforeAll
  void startServer() throws Exception {
    Infrastructure.require("a Docker engine (docker info)", DockerImages.engineAnswers());
    image = DockerImages.callbackImage();
    ferry = new FerryProcesses(dir);
    port = FerryProcesses.freePort();
    Process server =
        ferry.startOrchestrator(
            Map.of(
                "FERRY_PROVIDER",
                "docker",
                "FERRY_HTTP_PORT",
                String.valueOf(port),
                // Callback compute runs the caller's image: the operator allows it.
                "FERRY_ALLOWED_IMAGES",
                image));
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (!ferry.log("orchestrator.log").contains("HTTP API on")) {
      assertThat(server.isAlive()).as(ferry.log("orchestrator.log")).isTrue();
      assertThat(System.nanoTime()).as("HTTP API up within a minute").isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  @AfterAll
  void stopServer() throws Exception {
    if (ferry != null) {
      ferry.close();
    }
  }

  @Test
  void aCallbackRunInAContainerCompletesWithTheScriptsResult() throws Exception {
    String id = "cb-docker-ok-" + nonce;

    HttpResponse<String> started = startRun(id, "echo working; sleep 3; echo done");
    RunResult result = ferry.client().newUntypedWorkflowStub(id).getResult(RunResult.class);

    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    assertThat(result.output().path("exitCode").asInt()).isZero();
    assertThat(result.output().path("tail").asText()).isEqualTo("working\ndone");
    assertThat(result.attempts())
        .singleElement()
        .satisfies(
            attempt -> {
              assertThat(attempt.teardown().provider()).isEqualTo("docker");
              assertThat(attempt.teardown().exitCode()).as("the script's own exit").isZero();
              assertThat(attempt.teardown().logTail()).contains("ferry answered 200");
            });
    assertThat(DockerImages.containers(Labels.WORKFLOW_ID + "=" + id)).isEmpty();
  }

  @Test
  void aFailingCommandFailsTheRunWithItsMessage() throws Exception {
    String id = "cb-docker-fail-" + nonce;

    startRun(id, "echo working; echo 'disk full' >&2; exit 4");
    WorkflowFailedException failed = awaitFailure(id);

    assertThat(failed.getCause()).isInstanceOf(ApplicationFailure.class);
    assertThat(((ApplicationFailure) failed.getCause()).getOriginalMessage())
        .isEqualTo("workload shell failed: disk full");
    assertThat(DockerImages.containers(Labels.WORKFLOW_ID + "=" + id)).isEmpty();
  }

  @Test
  void aCancelledRunStopsTheContainersWork() throws Exception {
    String id = "cb-docker-cancel-" + nonce;
    startRun(id, "i=0; while true; do i=$((i+1)); echo tick $i; sleep 1; done");
    awaitRunning(id);

    HttpResponse<String> cancel = post("/runs/" + id + "/cancel", "");
    WorkflowFailedException failed = awaitFailure(id);

    assertThat(cancel.statusCode()).isEqualTo(202);
    assertThat(failed.getCause()).isInstanceOf(CanceledFailure.class);
    // The script reports "cancelled" only after Ferry answered its heartbeat with 409.
    String results = activityResults(id);
    assertThat(ferry.log("orchestrator.log"))
        .as("the server log; the activities' results: %s", results)
        .contains("callback cancelled for " + id + " attempt 1");
    assertThat(results)
        .as("the teardown receipt: the script stopped its command and exited by itself")
        .contains("the run was cancelled (ferry answered 409): stopped the command")
        .contains("\"exitCode\":0");
    assertThat(DockerImages.containers(Labels.WORKFLOW_ID + "=" + id)).isEmpty();
  }

  /** Every completed activity's result in the run's history, as text: the receipts among them. */
  private String activityResults(String id) {
    return ferry.client().fetchHistory(id).getHistory().getEventsList().stream()
        .filter(e -> e.hasActivityTaskCompletedEventAttributes())
        .flatMap(
            e -> e.getActivityTaskCompletedEventAttributes().getResult().getPayloadsList().stream())
        .map(payload -> payload.getData().toStringUtf8())
        .collect(java.util.stream.Collectors.joining("\n"));
  }

  /** Waits until the run is RUNNING and its command's output shows in the heartbeats. */
  private void awaitRunning(String id) throws InterruptedException {
    RunWorkflow run = ferry.client().newWorkflowStub(RunWorkflow.class, id);
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    RunStatus status = null;
    while (System.nanoTime() < deadline) {
      try {
        status = run.status();
        if (status.phase() == RunPhase.RUNNING
            && status.progress() != null
            && status.progress().message().startsWith("tick")) {
          return;
        }
      } catch (WorkflowException notYet) {
        // Its first workflow task has not run.
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        id
            + " never showed its command running; last status "
            + status
            + ferry.log("orchestrator.log"));
  }

  private HttpResponse<String> startRun(String id, String command) throws Exception {
    JsonNode body =
        JsonBody.JSON
            .createObjectNode()
            .put("workload", "shell")
            .put("mode", "callback")
            .put("provider", "docker")
            .put("image", image)
            .put("id", id)
            .put("attempts", 1)
            .put("boot_timeout", "PT2M")
            .put("heartbeat_timeout", "PT1M")
            .set("input", JsonBody.JSON.createObjectNode().put("command", command));
    return post("/runs", body.toString());
  }

  private WorkflowFailedException awaitFailure(String id) throws Exception {
    try {
      ferry
          .client()
          .newUntypedWorkflowStub(id)
          .getResultAsync(JsonNode.class)
          .get(5, TimeUnit.MINUTES);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(WorkflowFailedException.class);
      return (WorkflowFailedException) e.getCause();
    }
    throw new AssertionError(id + " succeeded");
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
