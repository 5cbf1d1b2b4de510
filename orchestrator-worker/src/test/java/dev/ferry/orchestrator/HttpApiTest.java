package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.PullRequestResult;
import dev.ferry.api.PullRequestWorkflow;
import dev.ferry.api.TaskQueues;
import dev.ferry.external.WorkloadActivityImpl;
import dev.ferry.external.WorkloadRegistry;
import dev.ferry.providers.FakeComputeProvider;
import dev.ferry.providers.ProviderRegistry;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The HTTP API over real HTTP, served by the orchestrator's routes against Temporal's test server;
 * checks run the real {@code pr-check} workload on stand-in computes and set their statuses on a
 * GitHub-like server.
 */
class HttpApiTest {

  private static final String SECRET = "webhook-secret";
  private static final String SHA = "0123456789abcdef0123456789abcdef01234567";

  private final FakeComputeProvider fake = new FakeComputeProvider();
  private final TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance();
  private final HttpClient http = HttpClient.newHttpClient();
  private FakeGitHub github;
  private HttpApi api;
  private TestRepo repo;

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    repo = new TestRepo(dir);
    github = new FakeGitHub("gh-token");
    Worker worker = env.newWorker(TaskQueues.ORCHESTRATOR);
    worker.registerWorkflowImplementationTypes(
        Orchestrator.workflowOptions(),
        RunWorkflowImpl.class,
        PullRequestWorkflowImpl.class,
        PullRequestCoordinatorImpl.class);
    worker.registerActivitiesImplementations(
        new ComputeActivitiesImpl(
            ProviderRegistry.of(fake),
            new ComputeDefaults("fake", null),
            new WorkerEnvironment("127.0.0.1:7233", "default", Map.of())),
        new GitHubStatuses(
            new GitHubSettings(github.url(), "gh-token", SECRET, "http://ferry.example")));
    fake.bootWith(
        request -> {
          WorkerFactory factory = WorkerFactory.newInstance(env.getWorkflowClient());
          factory
              .newWorker(request.taskQueue())
              .registerActivitiesImplementations(
                  new WorkloadActivityImpl(WorkloadRegistry.builtIns()));
          factory.start();
          return new FakeComputeProvider.Compute() {
            @Override
            public void stop() {
              factory.shutdownNow();
            }

            @Override
            public boolean running() {
              return !factory.isTerminated();
            }
          };
        });
    env.start();
    api =
        HttpApi.start(
            new HttpSettings("127.0.0.1", 0),
            List.of(
                new RunRoutes(env.getWorkflowClient()),
                new PullRequestRoutes(env.getWorkflowClient(), SECRET)));
  }

  @AfterEach
  void stop() throws InterruptedException {
    try {
      assertThat(fake.liveCount()).as("live compute after the test").isZero();
      assertThat(fake.awaitComputesStopped(Duration.ofSeconds(30))).isTrue();
    } finally {
      api.close();
      fake.stopAll();
      github.close();
      env.close();
    }
  }

  @Test
  void aSignedPullRequestEventChecksBaseAndHeadAndARedeliveryStartsNothingNew() throws Exception {
    String base = repo.commit(Map.of(".ferry/check", "grep -q good state", "state", "good"));
    String head = repo.commit(Map.of("state", "bad"));
    String event = pullRequestEvent("synchronize", base, head);

    HttpResponse<String> first = webhook("pull_request", "delivery-1", event, sign(event));
    String id = json(first).path("id").asText();
    PullRequestResult result =
        WorkflowStub.fromTyped(
                env.getWorkflowClient().newWorkflowStub(PullRequestWorkflow.class, id))
            .getResult(PullRequestResult.class);
    HttpResponse<String> again = webhook("pull_request", "delivery-1", event, sign(event));

    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(first.headers().firstValue("Location")).hasValue("/runs/" + id);
    assertThat(result.description()).startsWith("new failure: exit 1");
    assertThat(github.statuses())
        .extracting(s -> s.state() + " " + s.description().split(" \\(")[0])
        .containsExactly("pending checking base and head", "failure new failure: exit 1");
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(json(again).path("id").asText()).isEqualTo(id);
    assertThat(fake.provisioned()).as("one compute per side, none for the redelivery").hasSize(2);
    HttpResponse<String> shown = send("GET", "/runs/" + id, null, Map.of());
    assertThat(shown.statusCode()).isEqualTo(200);
    assertThat(json(shown).path("status").path("state").asText()).isEqualTo("FAILURE");
    assertThat(json(shown).path("new").path("phase").asText()).isEqualTo("SUCCEEDED");
  }

  @Test
  void aWrongOrMissingSignatureIs401AndStartsNothing() throws Exception {
    String event = pullRequestEvent("opened", SHA, SHA.replace('0', 'f'));

    HttpResponse<String> forged = webhook("pull_request", "d-2", event, sign(event + " "));
    HttpResponse<String> missing = webhook("pull_request", "d-3", event, null);
    HttpResponse<String> otherSecret =
        webhook(
            "pull_request",
            "d-4",
            event,
            WebhookSignature.sign("not-the-secret", event.getBytes(StandardCharsets.UTF_8)));

    assertThat(List.of(forged, missing, otherSecret))
        .allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(401));
    assertThat(json(missing).path("field").asText()).isEqualTo("X-Hub-Signature-256");
    assertThat(send("GET", "/runs/pr-acme-widgets-7-ffffffffffff", null, Map.of()).statusCode())
        .isEqualTo(404);
    assertThat(fake.provisioned()).isEmpty();
  }

  @Test
  void pingIs200AndOtherEventsAndActionsAre204() throws Exception {
    String ping = "{\"zen\":\"hi\"}";
    String closed = pullRequestEvent("closed", SHA, SHA);
    String issue = "{\"action\":\"opened\"}";

    assertThat(webhook("ping", "d-5", ping, sign(ping)).statusCode()).isEqualTo(200);
    assertThat(webhook("pull_request", "d-6", closed, sign(closed)).statusCode()).isEqualTo(204);
    assertThat(webhook("issues", "d-7", issue, sign(issue)).statusCode()).isEqualTo(204);
    assertThat(fake.provisioned()).isEmpty();
  }

  @Test
  void aRunStartedOverHttpCanBeFollowedAndCancelled() throws Exception {
    HttpResponse<String> started =
        send(
            "POST",
            "/runs",
            "{\"workload\":\"shell\",\"input\":{\"command\":\"echo hi; sleep 600\"},\"id\":\"http-run-1\"}",
            Map.of());
    awaitPhase("http-run-1", "RUNNING");
    HttpResponse<String> cancelled = send("POST", "/runs/http-run-1/cancel", null, Map.of());
    env.getWorkflowClient()
        .newUntypedWorkflowStub("http-run-1")
        .getResultAsync(Void.class)
        .exceptionally(e -> null)
        .get();

    assertThat(started.statusCode()).isEqualTo(202);
    assertThat(started.headers().firstValue("Location")).hasValue("/runs/http-run-1");
    assertThat(cancelled.statusCode()).isEqualTo(202);
    assertThat(
            json(send("GET", "/runs/http-run-1", null, Map.of()))
                .path("status")
                .path("phase")
                .asText())
        .isEqualTo("CANCELLED");
    assertThat(send("POST", "/runs/http-run-1/cancel", null, Map.of()).statusCode()).isEqualTo(409);
  }

  static Stream<Arguments> badInput() {
    String big = "{\"repo\":\"" + "x".repeat(HttpSettings.MAX_BODY_BYTES) + "\"}";
    return Stream.of(
        Arguments.of("POST", "/pr", "{not json", 400, null),
        Arguments.of("POST", "/pr", "[]", 400, null),
        Arguments.of("POST", "/pr", "", 400, null),
        Arguments.of(
            "POST",
            "/pr",
            "{\"pr\":1,\"old\":\"" + SHA + "\",\"new\":\"" + SHA + "\"}",
            400,
            "repo"),
        Arguments.of(
            "POST",
            "/pr",
            "{\"repo\":\"a/b\",\"old\":\"" + SHA + "\",\"new\":\"" + SHA + "\"}",
            400,
            "pr"),
        Arguments.of(
            "POST",
            "/pr",
            "{\"repo\":\"a/b\",\"pr\":\"one\",\"old\":\"" + SHA + "\",\"new\":\"" + SHA + "\"}",
            400,
            "pr"),
        Arguments.of(
            "POST",
            "/pr",
            "{\"repo\":\"a/b\",\"pr\":1,\"old\":\"abc\",\"new\":\"" + SHA + "\"}",
            400,
            "old"),
        Arguments.of(
            "POST", "/pr", "{\"repo\":\"a/b\",\"pr\":1,\"old\":\"" + SHA + "\"}", 400, "new"),
        Arguments.of(
            "POST",
            "/pr",
            "{\"repo\":\"a/b\",\"pr\":1,\"old\":\""
                + SHA
                + "\",\"new\":\""
                + SHA
                + "\",\"clone_url\":\"ssh://x\"}",
            400,
            "clone_url"),
        Arguments.of("POST", "/pr", "{\"repo\":\"a/b\",\"pr\":1,\"extra\":true}", 400, "extra"),
        Arguments.of("POST", "/pr", big, 413, null),
        Arguments.of("POST", "/runs", "{\"input\":{}}", 400, "workload"),
        Arguments.of("POST", "/runs", "{\"workload\":\"bitcoin\"}", 400, "workload"),
        Arguments.of("POST", "/runs", "{\"workload\":\"shell\",\"input\":{}}", 400, "input"),
        Arguments.of("POST", "/runs", "{\"workload\":\"shell\",\"input\":\"echo\"}", 400, "input"),
        Arguments.of(
            "POST",
            "/runs",
            "{\"workload\":\"primes\",\"boot_timeout\":\"soon\"}",
            400,
            "boot_timeout"),
        Arguments.of(
            "POST",
            "/runs",
            "{\"workload\":\"primes\",\"run_timeout\":\"PT100000000000000H\"}",
            400,
            "run_timeout"),
        Arguments.of(
            "POST",
            "/runs",
            "{\"workload\":\"primes\",\"heartbeat_timeout\":\"P2D\"}",
            400,
            "heartbeat_timeout"),
        Arguments.of(
            "POST",
            "/runs",
            "{\"workload\":\"primes\",\"provider\":\"Not An Id\"}",
            400,
            "provider"),
        Arguments.of(
            "POST",
            "/runs",
            "{\"workload\":\"shell\",\"input\":{\"command\":\"true\"},\"id\":\"a b\"}",
            400,
            "id"),
        Arguments.of(
            "POST", "/runs", "{\"workload\":\"primes\",\"attempts\":1.5}", 400, "attempts"),
        Arguments.of("POST", "/runs", "{oops", 400, null),
        Arguments.of("POST", "/runs", big, 413, null),
        Arguments.of("GET", "/runs/no-such-run", null, 404, null),
        Arguments.of("GET", "/runs/bad%20id", null, 404, null),
        Arguments.of("POST", "/runs/no-such-run/cancel", null, 404, null),
        Arguments.of("GET", "/nowhere", null, 404, null),
        Arguments.of("POST", "/github/webhook", "{}", 401, "X-Hub-Signature-256"),
        Arguments.of("POST", "/github/webhook", big, 413, null));
  }

  @ParameterizedTest(name = "{0} {1} {2} → {3}")
  @MethodSource("badInput")
  void aClientsMistakeGetsA4xxNamingTheField(
      String method, String path, String body, int status, String field) throws Exception {
    HttpResponse<String> response = send(method, path, body, Map.of());

    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(json(response).path("error").asText()).isNotBlank();
    if (field != null) {
      assertThat(json(response).path("field").asText()).isEqualTo(field);
    }
    assertThat(fake.provisioned()).isEmpty();
  }

  @Test
  void aSignedEventMissingAFieldIs400NamingIt() throws Exception {
    String event =
        "{\"action\":\"opened\",\"number\":7,\"repository\":{\"full_name\":\"acme/widgets\"}}";

    HttpResponse<String> response = webhook("pull_request", "d-8", event, sign(event));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).path("field").asText()).isEqualTo("pull_request.base.sha");
  }

  @Test
  void aPullRequestFromAForkIsNotCheckedUnlessForksAreAllowed() throws Exception {
    String base = repo.commit(Map.of(".ferry/check", "true"));
    String head = repo.commit(Map.of("state", "from a fork"));
    String event = forkEvent(base, head);
    String checkId =
        new dev.ferry.api.PullRequestCheck("acme/widgets", 7, base, head, null, null, null, null)
            .workflowId();

    HttpResponse<String> ignored = webhook("pull_request", "fork-1", event, sign(event));

    assertThat(ignored.statusCode()).isEqualTo(200);
    assertThat(json(ignored).path("ignored").asText())
        .contains("mallory/widgets", "FERRY_PR_FORKS=check");
    // A check that starts exists before its 202 is answered (PullRequestTrigger waits for it).
    assertThat(send("GET", "/runs/" + checkId, null, Map.of()).statusCode()).isEqualTo(404);

    try (HttpApi forks =
        HttpApi.start(
            new HttpSettings("127.0.0.1", 0),
            List.of(new PullRequestRoutes(env.getWorkflowClient(), SECRET, true)))) {
      HttpResponse<String> checked =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + forks.port() + "/github/webhook"))
                  .header("X-GitHub-Event", "pull_request")
                  .header("X-GitHub-Delivery", "fork-2")
                  .header("X-Hub-Signature-256", sign(event))
                  .POST(HttpRequest.BodyPublishers.ofString(event))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(checked.statusCode()).isEqualTo(202);
      assertThat(json(checked).path("id").asText()).isEqualTo(checkId);
    }
    assertThat(
            env.getWorkflowClient()
                .newUntypedWorkflowStub(checkId)
                .getResult(PullRequestResult.class)
                .state())
        .isEqualTo(dev.ferry.api.CommitState.SUCCESS);
  }

  @Test
  void forksSettingIsIgnoreOrCheck() {
    assertThat(PullRequestRoutes.checkForks(Map.of())).isFalse();
    assertThat(PullRequestRoutes.checkForks(Map.of("FERRY_PR_FORKS", "check"))).isTrue();
    assertThatThrownBy(() -> PullRequestRoutes.checkForks(Map.of("FERRY_PR_FORKS", "yes")))
        .hasMessage("FERRY_PR_FORKS must be 'ignore' or 'check', was 'yes'");
  }

  @Test
  void healthzIsOk() throws Exception {
    HttpResponse<String> response = send("GET", "/healthz", null, Map.of());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response).path("status").asText()).isEqualTo("ok");
  }

  @Test
  void aTakenPortIsAnErrorNamingFerryHttpPort() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(
              () -> HttpApi.start(new HttpSettings("127.0.0.1", taken.getLocalPort()), List.of()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith(
              "FERRY_HTTP_PORT: cannot listen on 127.0.0.1:" + taken.getLocalPort());
    }
  }

  private void awaitPhase(String id, String phase) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String seen = "";
    while (System.nanoTime() < deadline) {
      HttpResponse<String> response = send("GET", "/runs/" + id, null, Map.of());
      seen =
          response.statusCode() == 200 ? json(response).path("status").path("phase").asText() : "";
      if (seen.equals(phase)) {
        return;
      }
      Thread.sleep(50);
    }
    assertThat(seen).as("phase of " + id).isEqualTo(phase);
  }

  private String pullRequestEvent(String action, String base, String head) {
    return """
        {"action":"%s","number":7,
         "repository":{"full_name":"acme/widgets","clone_url":"%s"},
         "pull_request":{"base":{"sha":"%s"},"head":{"sha":"%s"}}}
        """
        .formatted(action, repo.url(), base, head);
  }

  private String forkEvent(String base, String head) {
    return """
        {"action":"opened","number":7,
         "repository":{"full_name":"acme/widgets","clone_url":"%s"},
         "pull_request":{"base":{"sha":"%s"},
                         "head":{"sha":"%s","repo":{"full_name":"mallory/widgets"}}}}
        """
        .formatted(repo.url(), base, head);
  }

  private static String sign(String body) {
    return WebhookSignature.sign(SECRET, body.getBytes(StandardCharsets.UTF_8));
  }

  private HttpResponse<String> webhook(String event, String delivery, String body, String signature)
      throws Exception {
    Map<String, String> headers =
        signature == null
            ? Map.of("X-GitHub-Event", event, "X-GitHub-Delivery", delivery)
            : Map.of(
                "X-GitHub-Event", event,
                "X-GitHub-Delivery", delivery,
                "X-Hub-Signature-256", signature);
    return send("POST", "/github/webhook", body, headers);
  }

  private HttpResponse<String> send(
      String method, String path, String body, Map<String, String> headers) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::header);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    return JsonBody.JSON.readTree(response.body().isEmpty() ? "{}" : response.body());
  }
}
