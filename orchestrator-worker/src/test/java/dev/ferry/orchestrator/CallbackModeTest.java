package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.ComputeSpec;
import dev.ferry.api.ExecutionMode;
import dev.ferry.api.FailureTypes;
import dev.ferry.api.RunRequest;
import dev.ferry.api.RunResult;
import dev.ferry.api.RunWorkflow;
import dev.ferry.api.TaskQueues;
import dev.ferry.providers.FakeComputeProvider;
import dev.ferry.providers.ProviderRegistry;
import dev.ferry.providers.local.LocalComputeProvider;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Callback mode end to end over real HTTP: each compute is a shell process running the shipped
 * example script ({@code docs/examples/callback-worker.sh}, curl only, no Temporal worker), with
 * the environment the orchestrator gives it; Temporal's test server in real time, so that the
 * heartbeat timeout means what it says.
 */
class CallbackModeTest {

  static final Path SCRIPT =
      Path.of("..", "docs", "examples", "callback-worker.sh").toAbsolutePath().normalize();

  private final FakeComputeProvider fake = new FakeComputeProvider();
  @TempDir Path localState;
  private final TestWorkflowEnvironment env =
      TestWorkflowEnvironment.newInstance(
          TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
  private final HttpClient http = HttpClient.newHttpClient();
  private final Map<String, String> callbackUrls = new ConcurrentHashMap<>();
  private final List<Map<String, String>> computeEnvs =
      new java.util.concurrent.CopyOnWriteArrayList<>();
  private HttpApi api;
  private int port;

  @BeforeEach
  void start() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    CallbackTokens tokens =
        new CallbackTokens(
            "callback-secret".getBytes(StandardCharsets.UTF_8), "http://127.0.0.1:" + port);
    Worker worker = env.newWorker(TaskQueues.ORCHESTRATOR);
    worker.registerWorkflowImplementationTypes(
        Orchestrator.workflowOptions(), RunWorkflowImpl.class);
    worker.registerActivitiesImplementations(
        new ComputeActivitiesImpl(
            ProviderRegistry.of(
                fake,
                new LocalComputeProvider(
                    List.of("sleep", "600"), localState, Duration.ofSeconds(5))),
            new ComputeDefaults("fake", null),
            new WorkerEnvironment(
                "127.0.0.1:7233",
                "default",
                Map.of("TEMPORAL_API_KEY", "s3cret"),
                Map.of("TEMPORAL_API_KEY", "s3cret"),
                tokens)));
    env.newWorker(TaskQueues.CALLBACKS)
        .registerActivitiesImplementations(new CallbackWorkloadActivity());
    env.start();
    api =
        HttpApi.start(
            new HttpSettings("127.0.0.1", port),
            List.of(
                new RunRoutes(env.getWorkflowClient()),
                new CallbackRoutes(env.getWorkflowClient(), tokens)));
  }

  @AfterEach
  void stop() throws InterruptedException {
    try {
      assertThat(fake.liveCount()).as("live compute after the run").isZero();
      assertThat(fake.awaitComputesStopped(Duration.ofSeconds(30)))
          .as("every compute process stopped")
          .isTrue();
    } finally {
      api.close();
      fake.stopAll();
      env.close();
    }
  }

  /** Computes that run {@code command}: a process with the provisioned environment. */
  private void bootProcesses(List<String> command) {
    fake.bootWith(
        request -> {
          callbackUrls.put(
              request.labels().get(dev.ferry.api.Labels.WORKFLOW_ID),
              request.spec().env().get("FERRY_CALLBACK_URL"));
          computeEnvs.add(request.spec().env());
          ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
          builder.environment().putAll(request.spec().env());
          builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
          try {
            Process process = builder.start();
            return new FakeComputeProvider.Compute() {
              @Override
              public void stop() {
                Stream.concat(process.descendants(), Stream.of(process.toHandle()))
                    .forEach(ProcessHandle::destroyForcibly);
              }

              @Override
              public boolean running() {
                return process.isAlive();
              }
            };
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }

  @Test
  void theExampleScriptCompletesTheRunThroughItsCallbackURL() throws Exception {
    bootProcesses(List.of("sh", SCRIPT.toString(), "sh", "-c", "echo working; sleep 3; echo done"));

    HttpResponse<String> started = startRun("callback-ok", "PT1M");
    RunResult result =
        env.getWorkflowClient().newUntypedWorkflowStub("callback-ok").getResult(RunResult.class);

    assertThat(started.statusCode()).isEqualTo(202);
    assertThat(result.output().path("exitCode").asInt()).isZero();
    assertThat(result.output().path("tail").asText()).isEqualTo("working\ndone");
    assertThat(callbackUrls.get("callback-ok"))
        .startsWith("http://127.0.0.1:" + port + "/callbacks/")
        .doesNotContain("+", "=")
        .satisfies(url -> assertThat(url.substring(url.lastIndexOf('/') + 1)).doesNotContain("/"));
    assertThat(computeEnvs)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e).containsEntry("FERRY_WORKLOAD", "example");
              assertThat(e).containsEntry("FERRY_INPUT", "{\"n\":1}");
              assertThat(e)
                  .as("no Temporal connection, secrets or queue for callback compute")
                  .doesNotContainKeys("TEMPORAL_API_KEY", "TEMPORAL_ADDRESS", "FERRY_TASK_QUEUE");
            });
  }

  @Test
  void aFailingCommandFailsTheRunWithItsLastLine() throws Exception {
    bootProcesses(List.of("sh", SCRIPT.toString(), "sh", "-c", "echo boom; exit 4"));

    startRun("callback-fail", "PT1M");

    WorkflowFailedException failed = awaitFailure("callback-fail");
    assertThat(((ApplicationFailure) failed.getCause()).getOriginalMessage())
        .isEqualTo("workload example failed: boom");
  }

  @Test
  void forgedUnknownAndStaleTokensAreRefusedWithoutA500() throws Exception {
    bootProcesses(List.of("sh", SCRIPT.toString(), "sh", "-c", "echo quick"));
    startRun("callback-stale", "PT1M");
    env.getWorkflowClient().newUntypedWorkflowStub("callback-stale").getResult(RunResult.class);
    String genuine = callbackUrls.get("callback-stale");
    String token = genuine.substring(genuine.lastIndexOf('/') + 1);
    String payload = token.substring(0, token.indexOf('.'));
    String forgedSignature = payload + "." + "A".repeat(43);
    String otherPayload =
        java.util.Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString("someone\nelse\n1".getBytes());
    String unknownRun =
        new CallbackTokens("callback-secret".getBytes(StandardCharsets.UTF_8), "")
            .token(
                new CallbackTokens.Attempt(
                    "no-such-run", "0d3e5f7a-0000-0000-0000-000000000000", 1));
    String complete = "{\"action\":\"complete\",\"result\":{}}";

    assertThat(callback(token, complete).statusCode())
        .as("stale: the run has ended")
        .isEqualTo(410);
    assertThat(callback(forgedSignature, complete).statusCode()).isEqualTo(401);
    assertThat(callback(otherPayload + token.substring(token.indexOf('.')), complete).statusCode())
        .isEqualTo(401);
    assertThat(callback("not-a-token", complete).statusCode()).isEqualTo(401);
    assertThat(callback("%2B%2F%3D.%2B", complete).statusCode()).isEqualTo(401);
    assertThat(callback(unknownRun, complete).statusCode()).isEqualTo(404);
    assertThat(callback(token, "{\"action\":\"explode\"}").statusCode()).isEqualTo(400);
    assertThat(callback(token, "{oops").statusCode()).isEqualTo(400);
  }

  @Test
  void aSilentComputeTimesOutOnHeartbeatsAndIsTornDown() throws Exception {
    bootProcesses(List.of("sleep", "600"));

    startRun("callback-silent", "PT3S");

    WorkflowFailedException failed = awaitFailure("callback-silent");
    assertThat(((ApplicationFailure) failed.getCause()).getOriginalMessage())
        .contains("compute was lost");
    assertThat(fake.provisioned()).hasSize(1);
  }

  @Test
  void theHttpApiRefusesCallbackModeOnTheLocalProviderAndStartsNothing() throws Exception {
    HttpResponse<String> refused =
        post(
            "/runs",
            """
            {"workload":"example","mode":"callback","provider":"local","id":"callback-local"}
            """);

    assertThat(refused.statusCode()).isEqualTo(400);
    JsonNode error = JsonBody.JSON.readTree(refused.body());
    assertThat(error.path("field").asText()).isEqualTo("mode");
    assertThat(error.path("error").asText())
        .contains("callback mode needs a provider that runs images", "local provider");
    assertThat(
            env.getWorkflowClient()
                .getWorkflowServiceStubs()
                .blockingStub()
                .listOpenWorkflowExecutions(
                    io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest
                        .newBuilder()
                        .setNamespace(env.getNamespace())
                        .build())
                .getExecutionsList())
        .isEmpty();
  }

  @Test
  void theHttpApiRefusesCallbackModeWhenTheServersDefaultProviderIsLocal() throws Exception {
    int otherPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      otherPort = socket.getLocalPort();
    }
    try (HttpApi localByDefault =
        HttpApi.start(
            new HttpSettings("127.0.0.1", otherPort),
            List.of(
                new RunRoutes(
                    env.getWorkflowClient(),
                    new ComputeDefaults(LocalComputeProvider.ID, null))))) {
      HttpResponse<String> refused =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + otherPort + "/runs"))
                  .timeout(Duration.ofSeconds(30))
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"workload\":\"example\",\"mode\":\"callback\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(refused.statusCode()).isEqualTo(400);
      assertThat(JsonBody.JSON.readTree(refused.body()).path("field").asText()).isEqualTo("mode");
    }
  }

  @Test
  void aCallbackRunNamingAnImageTheOperatorDidNotAllowFailsWithoutCompute() throws Exception {
    HttpResponse<String> started =
        post(
            "/runs",
            """
            {"workload":"example","mode":"callback","image":"caller.example/own:1",
             "id":"callback-foreign-image","attempts":1}
            """);
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);

    WorkflowFailedException failed = awaitFailure("callback-foreign-image");
    ApplicationFailure cause = (ApplicationFailure) failed.getCause();
    assertThat(cause.getType()).isEqualTo(FailureTypes.INVALID_COMPUTE_SPEC);
    assertThat(cause.getOriginalMessage())
        .contains("compute.image 'caller.example/own:1' is not allowed");
    assertThat(fake.provisioned()).isEmpty();
  }

  @Test
  void aCallbackRunThatReachesTheLocalProviderFailsBeforeAnythingIsStarted() throws Exception {
    RunWorkflow run =
        env.getWorkflowClient()
            .newWorkflowStub(
                RunWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId("callback-on-local")
                    .setTaskQueue(TaskQueues.ORCHESTRATOR)
                    .build());
    WorkflowClient.start(
        run::run,
        new RunRequest(
            "example",
            null,
            ComputeSpec.defaults().withProvider(LocalComputeProvider.ID),
            null,
            0,
            ExecutionMode.CALLBACK,
            null));

    WorkflowFailedException failed = awaitFailure("callback-on-local");
    ApplicationFailure cause = (ApplicationFailure) failed.getCause();
    assertThat(cause.getType()).isEqualTo(FailureTypes.INVALID_COMPUTE_SPEC);
    assertThat(cause.getOriginalMessage())
        .isEqualTo("could not provision compute: " + LocalComputeProvider.NO_CALLBACK_MODE);
    assertThat(run.status().attempts())
        .as("one attempt, refused: no second compute tried")
        .hasSize(1);
    try (Stream<Path> files = java.nio.file.Files.list(localState)) {
      assertThat(files).as("no local process record or log").isEmpty();
    }
  }

  private HttpResponse<String> startRun(String id, String heartbeat) throws Exception {
    return post(
        "/runs",
        """
        {"workload":"example","mode":"callback","input":{"n":1},"id":"%s","attempts":1,
         "boot_timeout":"PT30S","heartbeat_timeout":"%s"}
        """
            .formatted(id, heartbeat));
  }

  private WorkflowFailedException awaitFailure(String id) throws Exception {
    try {
      WorkflowStub stub = env.getWorkflowClient().newUntypedWorkflowStub(id);
      stub.getResultAsync(JsonNode.class).get(2, TimeUnit.MINUTES);
    } catch (java.util.concurrent.ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(WorkflowFailedException.class);
      return (WorkflowFailedException) e.getCause();
    }
    throw new AssertionError(id + " succeeded");
  }

  private HttpResponse<String> callback(String token, String body) throws Exception {
    return post("/callbacks/" + token, body);
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
