package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.api.BadInputs;
import dev.ferry.api.RunResult;
import dev.ferry.api.TaskQueues;
import dev.ferry.providers.FakeComputeProvider;
import dev.ferry.providers.ProviderRegistry;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input sweep at the workflow's own input, as a client that skipped the CLI's and the HTTP
 * API's checks sends it (an untyped start): every row of {@link BadInputs} Temporal's client can
 * send fails the run non-retryably, with the row's failure type and a message naming the field,
 * before anything is provisioned.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkflowBadInputSweepTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final FakeComputeProvider fake = new FakeComputeProvider();
  private final TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance();

  @BeforeAll
  void start() {
    Worker worker = env.newWorker(TaskQueues.ORCHESTRATOR);
    worker.registerWorkflowImplementationTypes(
        Orchestrator.workflowOptions(), RunWorkflowImpl.class);
    worker.registerActivitiesImplementations(
        new ComputeActivitiesImpl(
            ProviderRegistry.of(fake),
            new ComputeDefaults("fake", "ferry-external-worker:local"),
            new WorkerEnvironment("127.0.0.1:7233", "default", Map.of())));
    env.start();
  }

  @AfterAll
  void stop() {
    fake.stopAll();
    env.close();
  }

  static Stream<BadInputs.Case> cases() {
    return BadInputs.all().stream().filter(c -> c.workflow() != null);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void failsNonRetryablyNamingTheFieldBeforeAnyCompute(BadInputs.Case bad) throws Exception {
    String id = bad.workflowId().equals("sweep") ? "sweep-" + UUID.randomUUID() : bad.workflowId();
    WorkflowStub run =
        env.getWorkflowClient()
            .newUntypedWorkflowStub(
                "RunWorkflow",
                WorkflowOptions.newBuilder()
                    .setWorkflowId(id)
                    .setTaskQueue(TaskQueues.ORCHESTRATOR)
                    .build());
    run.start(withJsonInput(bad.workflow()));

    assertThatThrownBy(() -> run.getResult(RunResult.class))
        .isInstanceOf(WorkflowFailedException.class)
        .cause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo(bad.workflowType());
              assertThat(f.isNonRetryable() || f.getType().endsWith("DataConverterException"))
                  .as("non-retryable: %s", f)
                  .isTrue();
              assertThat(f.getOriginalMessage()).contains(bad.workflowField());
            });
    assertThat(fake.provisioned()).isEmpty();
  }

  /** The row's request with its workload input as JSON, as a client's converter writes it. */
  private static Map<String, Object> withJsonInput(Map<String, Object> request) throws Exception {
    Map<String, Object> copy = new LinkedHashMap<>(request);
    if (copy.get("input") instanceof BadInputs.RawInput raw) {
      copy.put("input", JSON.readTree(raw.json()));
    }
    return copy;
  }
}
