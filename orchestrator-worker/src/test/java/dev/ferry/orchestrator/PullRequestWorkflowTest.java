package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.api.CommitState;
import dev.ferry.api.FailureTypes;
import dev.ferry.api.Labels;
import dev.ferry.api.Progress;
import dev.ferry.api.PullRequestCheck;
import dev.ferry.api.PullRequestResult;
import dev.ferry.api.PullRequestStatus;
import dev.ferry.api.PullRequestTrigger;
import dev.ferry.api.PullRequestWorkflow;
import dev.ferry.api.RunPhase;
import dev.ferry.api.RunTimeouts;
import dev.ferry.api.RunUpdate;
import dev.ferry.api.TaskQueues;
import dev.ferry.api.Workload;
import dev.ferry.api.WorkloadActivity;
import dev.ferry.api.WorkloadResult;
import dev.ferry.api.WorkloadTask;
import dev.ferry.external.HeartbeatReporter;
import dev.ferry.external.WorkloadActivityImpl;
import dev.ferry.external.WorkloadRegistry;
import dev.ferry.external.WorkloadRunner;
import dev.ferry.providers.FakeComputeProvider;
import dev.ferry.providers.ProviderException;
import dev.ferry.providers.ProviderRegistry;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pull-request checks against Temporal's test server: both sides run the real {@code pr-check}
 * workload on stand-in computes (in-process workers) against a local git repository, and the
 * statuses go through the real GitHub client to a GitHub-like server.
 */
class PullRequestWorkflowTest {

  private static final RunTimeouts PATIENT =
      new RunTimeouts(Duration.ofMinutes(1), Duration.ofMinutes(30), Duration.ofMinutes(1));

  private final FakeComputeProvider fake = new FakeComputeProvider();
  private final FakeGitHub github = startGitHub();

  @TempDir Path repo;
  @TempDir Path gates;

  // Triggers start on the orchestrator's queue, so the worker polls that one, as in production.
  private final TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance();

  @BeforeEach
  void startOrchestratorWorker() {
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
  }

  private static FakeGitHub startGitHub() {
    try {
      return new FakeGitHub("gh-token");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @AfterEach
  void noComputeLeft() throws InterruptedException {
    try {
      assertThat(fake.liveCount()).as("live compute after the check").isZero();
      assertThat(fake.awaitComputesStopped(Duration.ofSeconds(30))).isTrue();
    } finally {
      fake.stopAll();
      github.close();
      env.close();
    }
  }

  @Test
  void aFailureNewOnHeadIsReportedAsNewFailure() throws Exception {
    bootWorkers();
    String base = commit(Map.of(".ferry/check", "grep -q good state", "state", "good"));
    String head = commit(Map.of("state", "bad"));

    PullRequestResult result = runCheck(check(base, head));

    assertThat(result.state()).isEqualTo(CommitState.FAILURE);
    assertThat(result.description()).startsWith("new failure: exit 1").contains("base ", "head ");
    assertThat(github.statuses())
        .extracting(FakeGitHub.Received::state)
        .containsExactly("pending", "failure");
    assertThat(github.statuses())
        .allSatisfy(
            s -> {
              assertThat(s.repo()).isEqualTo("acme/widgets");
              assertThat(s.sha()).isEqualTo(head);
              assertThat(s.targetUrl())
                  .isEqualTo("http://ferry.example/runs/" + check(base, head).workflowId());
            });
    assertThat(fake.provisioned()).hasSize(2);
  }

  @Test
  void aFailureOnBothIsReportedAsAlreadyFailingOnBase() throws Exception {
    bootWorkers();
    String base = commit(Map.of(".ferry/check", "echo broken; exit 2"));
    String head = commit(Map.of("other", "x"));

    PullRequestResult result = runCheck(check(base, head));

    assertThat(result.state()).isEqualTo(CommitState.FAILURE);
    assertThat(result.description()).startsWith("already failing on base: exit 2: broken");
    assertThat(github.statuses())
        .last()
        .extracting(FakeGitHub.Received::state)
        .isEqualTo("failure");
  }

  @Test
  void aPassingHeadIsSuccess() throws Exception {
    bootWorkers();
    String base = commit(Map.of(".ferry/check", "grep -q good state", "state", "bad"));
    String head = commit(Map.of("state", "good"));

    PullRequestResult result = runCheck(check(base, head));

    assertThat(result.state()).isEqualTo(CommitState.SUCCESS);
    assertThat(result.description()).startsWith("passed; fails on base");
  }

  @Test
  void whenOneSideCannotGetComputeTheOtherIsCancelledAndTheStatusIsError() throws Exception {
    WorkerFactoryBoot workers = new WorkerFactoryBoot(env);
    fake.bootWith(
        request -> {
          if (request.labels().get(Labels.WORKFLOW_ID).endsWith("-old")) {
            throw new ProviderException.InvalidSpec("no capacity for this size");
          }
          return workers.apply(request);
        });
    String base = commit(Map.of(".ferry/check", "echo waiting; sleep 600"));
    String head = commit(Map.of("other", "x"));

    PullRequestResult result = runCheck(check(base, head));

    assertThat(result.state()).isEqualTo(CommitState.ERROR);
    assertThat(result.description())
        .startsWith("base could not run:")
        .contains("no capacity for this size");
    assertThat(result.current().error()).isEqualTo("cancelled: the other side could not run");
    assertThat(github.statuses())
        .extracting(FakeGitHub.Received::state)
        .containsExactly("pending", "error");
  }

  @Test
  void aNewerPushCancelsTheOlderCheckAndTearsItsComputesDown() throws Exception {
    bootWorkers();
    Path gate = Files.createFile(gates.resolve("gate"));
    String waitForGate = "while [ -f '" + gate + "' ]; do sleep 0.1; done";
    String base = commit(Map.of(".ferry/check", waitForGate));
    String first = commit(Map.of("other", "1"));
    String second = commit(Map.of("other", "2"));
    WorkflowClient client = env.getWorkflowClient();
    PullRequestCheck older = check(base, first);
    PullRequestTrigger.start(client, older);
    awaitLive(2);

    PullRequestCheck newer = check(base, second);
    PullRequestTrigger.start(client, newer);
    assertThat(github.await(s -> s.sha().equals(first) && s.state().equals("error"), 60))
        .as("the older check's status says it was cancelled")
        .isTrue();
    Files.delete(gate);
    PullRequestResult result =
        WorkflowStub.fromTyped(
                client.newWorkflowStub(PullRequestWorkflow.class, newer.workflowId()))
            .getResult(PullRequestResult.class);

    assertThat(result.state()).isEqualTo(CommitState.SUCCESS);
    assertThat(fake.provisioned()).as("two computes per check").hasSize(4);
    assertThat(
            github.statuses().stream().filter(s -> s.sha().equals(first)).map(s -> s.description()))
        .containsExactly("checking base and head", "cancelled before both sides finished");
    awaitCoordinatorDone(client, newer);
  }

  @Test
  void theSameHeadPushedTwiceIsOneCheck() throws Exception {
    bootWorkers();
    String base = commit(Map.of(".ferry/check", "true"));
    String head = commit(Map.of("other", "1"));
    WorkflowClient client = env.getWorkflowClient();

    String firstId = PullRequestTrigger.start(client, check(base, head));
    String secondId = PullRequestTrigger.start(client, check(base, head));
    PullRequestResult result =
        WorkflowStub.fromTyped(client.newWorkflowStub(PullRequestWorkflow.class, firstId))
            .getResult(PullRequestResult.class);

    assertThat(secondId).isEqualTo(firstId);
    assertThat(result.state()).isEqualTo(CommitState.SUCCESS);
    awaitCoordinatorDone(client, check(base, head));
    assertThat(fake.provisioned()).hasSize(2);
  }

  @Test
  void theStatusQueryShowsBothSidesLiveAndThenTheirFinalPhases() throws Exception {
    SteppedCheck stepped = new SteppedCheck();
    fake.bootWith(new WorkerFactoryBoot(env, WorkloadRegistry.of(stepped)));
    String base = commit(Map.of(".ferry/check", "true"));
    String head = commit(Map.of("other", "1"));
    stepped.failOn = head;
    WorkflowClient client = env.getWorkflowClient();
    String id = PullRequestTrigger.start(client, check(base, head));
    PullRequestWorkflow check = client.newWorkflowStub(PullRequestWorkflow.class, id);

    PullRequestStatus midRun =
        awaitStatus(
            check,
            s ->
                running(s.oldRun(), "halfway at " + base)
                    && running(s.newRun(), "halfway at " + head));
    stepped.release.countDown();
    PullRequestResult result = WorkflowStub.fromTyped(check).getResult(PullRequestResult.class);
    PullRequestStatus ended = check.status();

    assertThat(midRun.state()).isEqualTo(CommitState.PENDING);
    assertThat(midRun.oldRun().runId()).isEqualTo(id + "-old");
    assertThat(midRun.newRun().runId()).isEqualTo(id + "-new");
    assertThat(List.of(midRun.oldRun(), midRun.newRun()))
        .allSatisfy(
            side -> {
              assertThat(side.attempt()).isEqualTo(1);
              assertThat(side.maxAttempts()).isEqualTo(3);
              assertThat(side.compute().provider()).isEqualTo("fake");
              assertThat(side.progress().done()).isEqualTo(1);
              assertThat(side.progress().total()).isEqualTo(2);
            });
    assertThat(result.state()).isEqualTo(CommitState.FAILURE);
    assertThat(ended.state()).isEqualTo(CommitState.FAILURE);
    assertThat(ended.oldRun().phase()).isEqualTo(RunPhase.SUCCEEDED);
    assertThat(ended.newRun().phase()).isEqualTo(RunPhase.SUCCEEDED);
    assertThat(ended.oldRun().progress().message()).isEqualTo("halfway at " + base);
    assertThat(ended.current().output().exitCode()).isEqualTo(1);
    awaitCoordinatorDone(client, check(base, head));
  }

  @Test
  void aSideThatCannotRunEndsFailedAndTheCancelledOtherCancelledInTheStatus() throws Exception {
    WorkerFactoryBoot workers = new WorkerFactoryBoot(env);
    fake.bootWith(
        request -> {
          if (request.labels().get(Labels.WORKFLOW_ID).endsWith("-new")) {
            throw new ProviderException.InvalidSpec("no capacity for this size");
          }
          return workers.apply(request);
        });
    String base = commit(Map.of(".ferry/check", "echo waiting; sleep 600"));
    String head = commit(Map.of("other", "x"));

    PullRequestResult result = runCheck(check(base, head));
    PullRequestStatus ended =
        env.getWorkflowClient()
            .newWorkflowStub(PullRequestWorkflow.class, check(base, head).workflowId())
            .status();

    assertThat(result.state()).isEqualTo(CommitState.ERROR);
    assertThat(ended.newRun().phase()).isEqualTo(RunPhase.FAILED);
    assertThat(ended.newRun().failure()).contains("no capacity for this size");
    assertThat(ended.oldRun().phase()).isEqualTo(RunPhase.CANCELLED);
    assertThat(ended.oldRun().failure()).isEqualTo("cancelled: the other side could not run");
  }

  private static boolean running(RunUpdate side, String message) {
    return side != null
        && side.phase() == RunPhase.RUNNING
        && side.progress() != null
        && message.equals(side.progress().message());
  }

  private static PullRequestStatus awaitStatus(
      PullRequestWorkflow check, java.util.function.Predicate<PullRequestStatus> wanted)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    PullRequestStatus status = check.status();
    while (!(status != null && wanted.test(status)) && System.nanoTime() < deadline) {
      Thread.sleep(50);
      status = check.status();
    }
    assertThat(status).as("the check's status within 90 s").matches(wanted::test);
    return status;
  }

  /**
   * A {@code pr-check} stand-in whose progress the test controls: it reports "halfway at SHA" (1 of
   * 2), waits for {@link #release}, and ends with exit 1 on {@link #failOn}, exit 0 elsewhere.
   */
  private static final class SteppedCheck implements WorkloadRunner<String> {
    final CountDownLatch release = new CountDownLatch(1);
    volatile String failOn;

    @Override
    public String id() {
      return Workload.PR_CHECK.id();
    }

    @Override
    public String parseInput(JsonNode input) {
      return input.path("sha").asText();
    }

    @Override
    public JsonNode run(String sha, JsonNode checkpoint, HeartbeatReporter heartbeat)
        throws InterruptedException {
      heartbeat.report(new Progress(1, 2, "halfway at " + sha), null);
      release.await();
      ObjectNode output = JsonNodeFactory.instance.objectNode();
      output.put("exitCode", sha.equals(failOn) ? 1 : 0).put("duration", "PT0.005S");
      output.putArray("tail").add("done");
      return output;
    }
  }

  @Test
  void aBugInTheCheckWorkflowFailsItAsAnInternalErrorWithBothComputesGone() throws Exception {
    // Both sides "succeed" with an output the check cannot read: the workflow's own code throws,
    // as a bug would. Without the guard its workflow task would be retried forever.
    fake.bootWith(new WorkerFactoryBoot(env, new UnreadableOutput()));
    String base = commit(Map.of(".ferry/check", "true"));
    String head = commit(Map.of("other", "x"));
    WorkflowClient client = env.getWorkflowClient();
    String id = PullRequestTrigger.start(client, check(base, head));

    assertThatThrownBy(
            () ->
                WorkflowStub.fromTyped(client.newWorkflowStub(PullRequestWorkflow.class, id))
                    .getResult(2, TimeUnit.MINUTES, PullRequestResult.class))
        .as("the check ends (a workflow task retried forever would time this out)")
        .isInstanceOf(WorkflowFailedException.class)
        .cause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo(FailureTypes.INTERNAL_ERROR);
              assertThat(f.getOriginalMessage())
                  .contains("internal error in Ferry's pull-request workflow");
            });
    assertThat(fake.provisioned()).hasSize(2);
    assertThat(fake.liveCount()).isZero();
    assertThat(github.statuses())
        .extracting(FakeGitHub.Received::state)
        .containsExactly("pending", "error");
  }

  /** A workload that ends well with an output no {@code pr-check} reader can take. */
  private static final class UnreadableOutput implements WorkloadActivity {
    @Override
    public WorkloadResult run(WorkloadTask task) {
      return new WorkloadResult(
          new ObjectMapper().createObjectNode().put("exitCode", "not a number"), null);
    }
  }

  private PullRequestResult runCheck(PullRequestCheck check) {
    WorkflowClient client = env.getWorkflowClient();
    String id = PullRequestTrigger.start(client, check);
    PullRequestResult result =
        WorkflowStub.fromTyped(client.newWorkflowStub(PullRequestWorkflow.class, id))
            .getResult(PullRequestResult.class);
    awaitCoordinatorDone(client, check);
    return result;
  }

  private static void awaitCoordinatorDone(WorkflowClient client, PullRequestCheck check) {
    client.newUntypedWorkflowStub(check.coordinatorId()).getResult(Void.class);
  }

  private PullRequestCheck check(String base, String head) {
    return new PullRequestCheck(
        "acme/widgets", 7, base, head, repo.toUri().toString(), null, null, PATIENT);
  }

  private String commit(Map<String, String> files) throws Exception {
    return new TestRepo(repo).commit(files);
  }

  private void awaitLive(int count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (fake.liveCount() < count && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(fake.liveCount()).isEqualTo(count);
  }

  private void bootWorkers() {
    fake.bootWith(new WorkerFactoryBoot(env));
  }

  /** A boot that starts an in-process worker with the built-in workloads on the attempt's queue. */
  private record WorkerFactoryBoot(TestWorkflowEnvironment env, WorkloadActivity workload)
      implements FakeComputeProvider.Boot {

    WorkerFactoryBoot(TestWorkflowEnvironment env) {
      this(env, WorkloadRegistry.builtIns());
    }

    WorkerFactoryBoot(TestWorkflowEnvironment env, WorkloadRegistry workloads) {
      this(env, new WorkloadActivityImpl(workloads));
    }

    @Override
    public FakeComputeProvider.Compute apply(dev.ferry.api.ProvisionRequest request) {
      WorkerFactory factory = WorkerFactory.newInstance(env.getWorkflowClient());
      factory.newWorker(request.taskQueue()).registerActivitiesImplementations(workload);
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
  }
}
