package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.testing.TestWorkflowEnvironment;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code FERRY_HTTP_TOKEN} over real HTTP: who may start, read and cancel runs. */
class HttpTokenTest {

  private static final String TOKEN = "tok-0123456789abcdef";

  private final TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance();
  private final HttpClient http = HttpClient.newHttpClient();
  private HttpApi api;

  @BeforeEach
  void start() {
    env.start();
    api =
        HttpApi.start(
            new HttpSettings("127.0.0.1", 0, TOKEN),
            List.of(
                new RunRoutes(env.getWorkflowClient()),
                new PullRequestRoutes(env.getWorkflowClient(), "webhook-secret"),
                new CallbackRoutes(
                    env.getWorkflowClient(),
                    new CallbackTokens(
                        "callback-secret".getBytes(StandardCharsets.UTF_8), "http://127.0.0.1"))));
  }

  @AfterEach
  void stop() {
    api.close();
    env.close();
  }

  @Test
  void aRunStartedWithoutTheTokenIsRefusedAndNotStarted() throws Exception {
    String body = "{\"workload\":\"primes\",\"input\":{\"below\":1000},\"id\":\"no-token-run\"}";

    for (String authorization : new String[] {null, "Bearer wrong-token-0123456789", TOKEN}) {
      HttpResponse<String> response = send("POST", "/runs", body, authorization);
      assertThat(response.statusCode()).as("Authorization: %s", authorization).isEqualTo(401);
      assertThat(response.headers().firstValue("WWW-Authenticate")).contains("Bearer");
      assertThat(json(response).path("error").asText()).contains("bearer token");
    }
    assertThat(exists("no-token-run")).as("workflow no-token-run exists").isFalse();
  }

  @Test
  void withTheTokenRequestsReachTheirRoutes() throws Exception {
    HttpResponse<String> unknown = send("GET", "/runs/nobody", null, "Bearer " + TOKEN);
    assertThat(unknown.statusCode()).isEqualTo(404);

    HttpResponse<String> started =
        send(
            "POST",
            "/runs",
            "{\"workload\":\"primes\",\"input\":{\"below\":1000},\"id\":\"token-run\"}",
            "Bearer " + TOKEN);
    assertThat(started.statusCode()).isEqualTo(202);
    assertThat(exists("token-run")).as("workflow token-run exists").isTrue();
  }

  @Test
  void healthWebhooksAndCallbacksProveThemselvesWithoutTheToken() throws Exception {
    assertThat(send("GET", "/healthz", null, null).statusCode()).isEqualTo(200);

    HttpResponse<String> webhook = send("POST", PullRequestRoutes.WEBHOOK_PATH, "{}", null);
    assertThat(webhook.statusCode()).isEqualTo(401);
    assertThat(json(webhook).path("field").asText()).isEqualTo("X-Hub-Signature-256");

    HttpResponse<String> callback =
        send("POST", CallbackRoutes.PATH_PREFIX + "forged", "{\"action\":\"heartbeat\"}", null);
    assertThat(callback.statusCode()).isEqualTo(401);
    assertThat(json(callback).path("field").asText()).isEqualTo("token");
  }

  private boolean exists(String workflowId) {
    try {
      env.getWorkflowClient()
          .getWorkflowServiceStubs()
          .blockingStub()
          .describeWorkflowExecution(
              DescribeWorkflowExecutionRequest.newBuilder()
                  .setNamespace(env.getNamespace())
                  .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                  .build());
      return true;
    } catch (StatusRuntimeException e) {
      return false;
    }
  }

  private HttpResponse<String> send(String method, String path, String body, String authorization)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    return HttpApi.JSON.readTree(response.body());
  }
}
