package dev.ferry.providers.awsbatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ferry.api.ComputeSpec;
import dev.ferry.api.Labels;
import dev.ferry.api.ProvisionRequest;
import dev.ferry.providers.ProviderException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The error paths moto cannot provoke, against a small HTTP server that answers Batch's REST-JSON
 * operations with the error shapes AWS sends (an {@code x-amzn-ErrorType} header and a JSON body
 * with the message).
 */
class AwsBatchErrorScenariosTest {

  private static final String QUEUE_OK =
      "{\"jobQueues\":[{\"jobQueueName\":\"ferry-queue\",\"jobQueueArn\":"
          + "\"arn:aws:batch:us-east-1:123456789012:job-queue/ferry-queue\",\"state\":\"ENABLED\","
          + "\"status\":\"VALID\",\"priority\":1,\"computeEnvironmentOrder\":[]}]}";
  private static final String DEFINITION_OK =
      "{\"jobDefinitions\":[{\"jobDefinitionName\":\"ferry-def\",\"jobDefinitionArn\":"
          + "\"arn:aws:batch:us-east-1:123456789012:job-definition/ferry-def:1\",\"revision\":1,"
          + "\"status\":\"ACTIVE\",\"type\":\"container\"}]}";

  private record Answer(int status, String errorType, String body) {}

  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final java.util.List<AwsBatchComputeProvider> made = new java.util.ArrayList<>();
  private HttpServer server;

  @BeforeEach
  void startScenarioServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::answer);
    server.start();
    answers.put("/v1/describejobqueues", new Answer(200, null, QUEUE_OK));
    answers.put("/v1/describejobdefinitions", new Answer(200, null, DEFINITION_OK));
    answers.put("/v1/listjobs", new Answer(200, null, "{\"jobSummaryList\":[]}"));
  }

  @AfterEach
  void stopScenarioServer() {
    made.forEach(AwsBatchComputeProvider::close);
    server.stop(0);
  }

  @Test
  void throttlingIsRetriedByTheSdkThenReportedAsRateLimited() {
    answers.put(
        "/v1/submitjob",
        new Answer(429, "TooManyRequestsException", "{\"message\":\"Too Many Requests\"}"));
    AwsBatchComputeProvider provider = provider();

    assertThatThrownBy(() -> provider.provision(request()))
        .isInstanceOf(ProviderException.RateLimited.class)
        .hasMessageContaining("TooManyRequestsException");
    assertThat(calls("/v1/submitjob")).isEqualTo(3);
  }

  @Test
  void accessDeniedIsAuthNamingTheMissingPermissionAndIsNotRetried() {
    answers.put(
        "/v1/submitjob",
        new Answer(
            403,
            "AccessDeniedException",
            "{\"Message\":\"User: arn:aws:iam::123456789012:user/ferry is not authorized to"
                + " perform: batch:SubmitJob on resource:"
                + " arn:aws:batch:us-east-1:123456789012:job-queue/ferry-queue\"}"));
    AwsBatchComputeProvider provider = provider();

    assertThatThrownBy(() -> provider.provision(request()))
        .isInstanceOf(ProviderException.Auth.class)
        .hasMessageContaining("grant batch:SubmitJob");
    assertThat(calls("/v1/submitjob")).isEqualTo(1);
  }

  @Test
  void anUnknownQueueAtSubmitIsAnInvalidSpec() {
    answers.put(
        "/v1/submitjob",
        new Answer(400, "ClientException", "{\"message\":\"JobQueue ferry-queue not found.\"}"));
    AwsBatchComputeProvider provider = provider();

    assertThatThrownBy(() -> provider.provision(request()))
        .isInstanceOf(ProviderException.InvalidSpec.class)
        .hasMessageContaining("JobQueue ferry-queue not found");
    assertThat(calls("/v1/submitjob")).isEqualTo(1);
  }

  @Test
  void anUnknownQueueAtStartUpNamesTheVariable() {
    answers.put("/v1/describejobqueues", new Answer(200, null, "{\"jobQueues\":[]}"));

    assertThatThrownBy(() -> new AwsBatchProviderFactory().create(env()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("FERRY_BATCH_JOB_QUEUE=ferry-queue: no such Batch job queue");
  }

  @Test
  void accessDeniedAtStartUpSaysWhichPermissionIsMissing() {
    answers.put(
        "/v1/describejobqueues",
        new Answer(
            403,
            "AccessDeniedException",
            "{\"Message\":\"User: arn:aws:iam::123456789012:user/ferry is not authorized to"
                + " perform: batch:DescribeJobQueues\"}"));

    assertThatThrownBy(() -> new AwsBatchProviderFactory().create(env()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("grant batch:DescribeJobQueues");
  }

  @Test
  void aServerErrorIsUnavailable() {
    answers.put(
        "/v1/submitjob", new Answer(500, "ServerException", "{\"message\":\"internal error\"}"));
    AwsBatchComputeProvider provider = provider();

    assertThatThrownBy(() -> provider.provision(request()))
        .isInstanceOf(ProviderException.Unavailable.class)
        .hasMessageContaining("internal error");
  }

  private AwsBatchComputeProvider provider() {
    var provider = (AwsBatchComputeProvider) new AwsBatchProviderFactory().create(env());
    made.add(provider);
    return provider;
  }

  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("AWS_REGION", "us-east-1");
    env.put("AWS_ACCESS_KEY_ID", "testing");
    env.put("AWS_SECRET_ACCESS_KEY", "testing");
    env.put("AWS_ENDPOINT_URL", "http://127.0.0.1:" + server.getAddress().getPort());
    env.put("AWS_MAX_ATTEMPTS", "3");
    env.put("FERRY_BATCH_JOB_QUEUE", "ferry-queue");
    env.put("FERRY_BATCH_JOB_DEFINITION", "ferry-def:1");
    return env;
  }

  private static ProvisionRequest request() {
    return new ProvisionRequest(
        "ferry-scenario-a1",
        "q-scenario",
        new ComputeSpec("aws-batch", "ferry-external-worker:dev", 0, 0, null, Map.of()),
        Map.of(Labels.MANAGED, "true"),
        Instant.now().plusSeconds(600));
  }

  private int calls(String path) {
    return calls.getOrDefault(path, new AtomicInteger()).get();
  }

  private void answer(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    calls.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
    exchange.getRequestBody().readAllBytes();
    Answer answer =
        answers.getOrDefault(
            path, new Answer(400, "ClientException", "{\"message\":\"unexpected " + path + "\"}"));
    if (answer.errorType() != null) {
      exchange.getResponseHeaders().add("x-amzn-ErrorType", answer.errorType());
    }
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(answer.status(), body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
