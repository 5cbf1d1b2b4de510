package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.api.CommitState;
import dev.ferry.api.Labels;
import dev.ferry.api.PullRequestCheck;
import dev.ferry.api.PullRequestResult;
import dev.ferry.api.PullRequestTrigger;
import dev.ferry.api.PullRequestWorkflow;
import dev.ferry.api.RunRequest;
import dev.ferry.api.RunResult;
import dev.ferry.api.RunTimeouts;
import dev.ferry.api.RunWorkflow;
import dev.ferry.api.TaskQueues;
import dev.ferry.external.WorkloadActivityImpl;
import dev.ferry.external.WorkloadRegistry;
import dev.ferry.providers.FakeComputeProvider;
import dev.ferry.providers.ProviderException;
import dev.ferry.providers.ProviderRegistry;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records the histories {@link ReplayTest} replays, from the workflow code of the day they were
 * recorded, each in a file named after its workflow id: run by hand ({@code
 * -Dferry.recordHistories=true -Dtest=RecordHistories}) and commit the files under {@code
 * src/test/resources/histories}. Recording again replaces them with the current code's histories,
 * so do it only to add a scenario, never to make a replay pass.
 */
@EnabledIfSystemProperty(named = "ferry.recordHistories", matches = "true")
class RecordHistories {

  private static final Path OUT = Path.of("src/test/resources/histories");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final RunTimeouts PATIENT =
      new RunTimeouts(Duration.ofMinutes(1), Duration.ofMinutes(30), Duration.ofMinutes(1));

  private final FakeComputeProvider fake = new FakeComputeProvider();
  private final TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance();
  private FakeGitHub github;

  @TempDir Path repo;

  @BeforeEach
  void start() throws Exception {
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
            new GitHubSettings(github.url(), "gh-token", null, "http://ferry.example")));
    env.start();
    Files.createDirectories(OUT);
  }

  @AfterEach
  void stop() {
    fake.stopAll();
    github.close();
    env.close();
  }

  @Test
  void primesSucceeds() throws Exception {
    fake.bootWith(this::worker);
    RunResult result = run("replay-primes", primes(100_000).withTimeouts(PATIENT));
    assertThat(result.output().get("count").asLong()).isEqualTo(9_592);
    save("replay-primes");
  }

  @Test
  void badWorkloadInputFailsInsideTheWorkflow() throws Exception {
    assertThatThrownBy(
            () -> run("replay-bad-input", RunRequest.of("primes", node(Map.of("below", -5)))))
        .isInstanceOf(WorkflowFailedException.class);
    assertThat(fake.provisioned()).isEmpty();
    save("replay-bad-input");
  }

  @Test
  void computeNeverStartsThenTheNextAttemptSucceeds() throws Exception {
    // Attempt 1 boots nothing (its boot timeout passes), attempt 2 a worker; the provider fails
    // twice first, so the provision activity is retried too.
    java.util.concurrent.atomic.AtomicInteger failures =
        new java.util.concurrent.atomic.AtomicInteger();
    fake.failProvisions(
        () -> {
          if (failures.incrementAndGet() == 2) {
            fake.failProvisions(null, false);
          }
          return new ProviderException.Unavailable("platform busy", null);
        },
        false);
    fake.bootWith(
        request ->
            request.labels().get(Labels.ATTEMPT).equals("1")
                ? FakeComputeProvider.Compute.NOTHING
                : worker(request));
    RunResult result =
        run(
            "replay-retries",
            primes(10_000)
                .withTimeouts(
                    new RunTimeouts(
                        Duration.ofSeconds(4), Duration.ofMinutes(30), Duration.ofSeconds(30))));
    assertThat(result.attempts()).hasSize(2);
    save("replay-retries");
  }

  @Test
  void pullRequestCheck() throws Exception {
    fake.bootWith(this::worker);
    TestRepo git = new TestRepo(repo);
    String base = git.commit(Map.of(".ferry/check", "grep -q good state", "state", "good"));
    String head = git.commit(Map.of("state", "bad"));
    PullRequestCheck check =
        new PullRequestCheck("acme/widgets", 7, base, head, git.url(), null, null, PATIENT);
    WorkflowClient client = env.getWorkflowClient();
    String id = PullRequestTrigger.start(client, check);
    PullRequestResult result =
        WorkflowStub.fromTyped(client.newWorkflowStub(PullRequestWorkflow.class, id))
            .getResult(PullRequestResult.class);
    client.newUntypedWorkflowStub(check.coordinatorId()).getResult(Void.class);
    assertThat(result.state()).isEqualTo(CommitState.FAILURE);
    save(id);
    save(id + "-old");
    save(check.coordinatorId());
  }

  private RunResult run(String id, RunRequest request) {
    RunWorkflow run =
        env.getWorkflowClient()
            .newWorkflowStub(
                RunWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(id)
                    .setTaskQueue(TaskQueues.ORCHESTRATOR)
                    .build());
    return run.run(request);
  }

  private void save(String id) throws Exception {
    Files.writeString(
        OUT.resolve(id + ".json"), env.getWorkflowClient().fetchHistory(id).toJson(true) + "\n");
  }

  private FakeComputeProvider.Compute worker(dev.ferry.api.ProvisionRequest request) {
    WorkerFactory factory = WorkerFactory.newInstance(env.getWorkflowClient());
    factory
        .newWorker(request.taskQueue())
        .registerActivitiesImplementations(new WorkloadActivityImpl(WorkloadRegistry.builtIns()));
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
  }

  private static RunRequest primes(long below) {
    return RunRequest.of("primes", node(Map.of("below", below)));
  }

  private static com.fasterxml.jackson.databind.JsonNode node(Map<String, Object> fields) {
    return JSON.valueToTree(fields);
  }
}
