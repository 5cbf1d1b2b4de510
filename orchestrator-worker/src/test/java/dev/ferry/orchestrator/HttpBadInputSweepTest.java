package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.BadInputs;
import dev.ferry.api.TaskQueues;
import dev.ferry.providers.FakeComputeProvider;
import dev.ferry.providers.ProviderRegistry;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input sweep at {@code POST /runs}: every row of {@link BadInputs} a body can express gets
 * 400 with a JSON error naming the field (never a 500 or a stack trace), and no workflow is started
 * and nothing provisioned, against a real orchestrator worker on Temporal's test server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpBadInputSweepTest {

  private final FakeComputeProvider fake = new FakeComputeProvider();
  private final TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance();
  private final HttpClient http = HttpClient.newHttpClient();
  private HttpApi api;

  @BeforeAll
  void start() {
    ComputeDefaults defaults = new ComputeDefaults("fake", "ferry-external-worker:local");
    Worker worker = env.newWorker(TaskQueues.ORCHESTRATOR);
    worker.registerWorkflowImplementationTypes(
        Orchestrator.workflowOptions(), RunWorkflowImpl.class);
    worker.registerActivitiesImplementations(
        new ComputeActivitiesImpl(
            ProviderRegistry.of(fake),
            defaults,
            new WorkerEnvironment("127.0.0.1:7233", "default", Map.of())));
    env.start();
    api =
        HttpApi.start(
            new HttpSettings("127.0.0.1", 0),
            List.of(new RunRoutes(env.getWorkflowClient(), defaults)));
  }

  @AfterAll
  void stop() {
    api.close();
    fake.stopAll();
    env.close();
  }

  static Stream<BadInputs.Case> cases() {
    return BadInputs.all().stream().filter(c -> c.http() != null);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void answers400NamingTheFieldAndStartsNothing(BadInputs.Case bad) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/runs"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(bad.http()))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    JsonNode error = JsonBody.JSON.readTree(response.body());
    assertThat(error.path("error").asText()).isNotBlank().doesNotContain("\tat ", "Exception");
    if (bad.httpField() == null) {
      assertThat(error.has("field")).isFalse();
      assertThat(error.path("error").asText()).contains("not valid JSON");
    } else {
      assertThat(error.path("field").asText()).isEqualTo(bad.httpField());
      assertThat(error.path("error").asText()).contains(bad.httpField());
    }
    assertThat(startedWorkflows()).isZero();
    assertThat(fake.provisioned()).isEmpty();
  }

  private int startedWorkflows() {
    var stub = env.getWorkflowServiceStubs().blockingStub();
    return stub.listOpenWorkflowExecutions(
                ListOpenWorkflowExecutionsRequest.newBuilder()
                    .setNamespace(env.getNamespace())
                    .build())
            .getExecutionsCount()
        + stub.listClosedWorkflowExecutions(
                ListClosedWorkflowExecutionsRequest.newBuilder()
                    .setNamespace(env.getNamespace())
                    .build())
            .getExecutionsCount();
  }
}
