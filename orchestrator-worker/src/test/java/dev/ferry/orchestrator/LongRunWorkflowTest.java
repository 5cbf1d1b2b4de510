package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.util.Timestamps;
import dev.ferry.api.AttemptOutcome;
import dev.ferry.api.AttemptSummary;
import dev.ferry.api.ComputeHandle;
import dev.ferry.api.ComputeState;
import dev.ferry.api.FailureTypes;
import dev.ferry.api.Progress;
import dev.ferry.api.ProvisionRequest;
import dev.ferry.api.RunPhase;
import dev.ferry.api.RunRequest;
import dev.ferry.api.RunResult;
import dev.ferry.api.RunStatus;
import dev.ferry.api.RunTimeouts;
import dev.ferry.api.RunWorkflow;
import dev.ferry.api.TeardownReceipt;
import dev.ferry.api.WorkloadActivity;
import dev.ferry.api.WorkloadHeartbeat;
import dev.ferry.api.WorkloadResult;
import dev.ferry.api.WorkloadTask;
import dev.ferry.providers.ComputeProvider;
import dev.ferry.providers.FakeComputeProvider;
import dev.ferry.providers.LabelSelector;
import dev.ferry.providers.LabelledResource;
import dev.ferry.providers.ProviderRegistry;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.testservice.v1.LockTimeSkippingRequest;
import io.temporal.api.testservice.v1.UnlockTimeSkippingRequest;
import io.temporal.client.ActivityCompletionClient;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.serviceclient.TestServiceStubs;
import io.temporal.serviceclient.TestServiceStubsOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.WorkerFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs that last days, on Temporal's test server with time skipping: the workload is completed
 * asynchronously, so the test heartbeats it through {@link ActivityCompletionClient} while it moves
 * the server's clock on with {@link TestWorkflowEnvironment#sleep}. Also: a bug in workflow code
 * fails the run after its teardown instead of retrying forever. Every test ends with no live
 * compute and every stand-in compute stopped.
 */
class LongRunWorkflowTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration STEP = Duration.ofMinutes(10);

  private final FakeComputeProvider fake = new FakeComputeProvider();
  private final NullStateProvider buggy = new NullStateProvider();
  private final BlockingQueue<Workload> workloads = new LinkedBlockingQueue<>();
  private final String workflowId = "long-run-test-" + UUID.randomUUID();

  @RegisterExtension
  final TestWorkflowExtension temporal =
      TestWorkflowExtension.newBuilder()
          .registerWorkflowImplementationTypes(
              Orchestrator.workflowOptions(), RunWorkflowImpl.class)
          .setActivityImplementations(
              new ComputeActivitiesImpl(
                  ProviderRegistry.of(fake, buggy),
                  new ComputeDefaults("fake", null),
                  new WorkerEnvironment("127.0.0.1:7233", "default", Map.of())))
          .build();

  @AfterEach
  void noComputeLeft() throws InterruptedException {
    try {
      assertThat(fake.liveCount()).as("live compute after the run").isZero();
      assertThat(buggy.inner.liveCount()).as("live compute of the buggy provider").isZero();
      assertThat(fake.awaitComputesStopped(Duration.ofSeconds(30)))
          .as("every stand-in compute stopped; still running: %d", fake.runningComputes())
          .isTrue();
    } finally {
      fake.stopAll();
      buggy.inner.stopAll();
    }
  }

  @Test
  void aSixDayRunStaysUnderTheEventBudgetFinishesAndTearsItsComputeDown(
      TestWorkflowEnvironment env, WorkflowOptions options) throws InterruptedException {
    fake.bootWith(asyncCompute(env));
    RunWorkflow run = stub(env, options);
    WorkflowClient.start(
        run::run,
        request(
            new RunTimeouts(Duration.ofMinutes(5), RunTimeouts.MAX_RUN, Duration.ofMinutes(30))));
    Workload workload = nextWorkload();
    ActivityCompletionClient completions = env.getWorkflowClient().newActivityCompletionClient();
    int steps = (int) (Duration.ofDays(6).toMillis() / STEP.toMillis());

    try (TimeLock lock = releaseWorkloadLock(env)) {
      for (int step = 1; step <= steps; step++) {
        env.sleep(STEP);
        completions.heartbeat(workload.token(), heartbeat(step, steps));
      }
    }
    RunStatus running = status(env);
    completions.complete(
        workload.token(), new WorkloadResult(JSON.createObjectNode().put("days", 6), null));
    RunResult result = WorkflowStub.fromTyped(run).getResult(RunResult.class);

    int events = env.getWorkflowClient().fetchHistory(workflowId).getEvents().size();
    System.out.printf("six-day run: %d history events%n", events);
    assertThat(events).isLessThan(ComputeAttempt.EVENT_BUDGET_PER_ATTEMPT);
    assertThat(result.elapsed()).isGreaterThanOrEqualTo(Duration.ofDays(6));
    assertThat(result.output().get("days").asInt()).isEqualTo(6);
    assertThat(result.attempts())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.outcome()).isEqualTo(AttemptOutcome.SUCCEEDED);
              assertThat(a.teardown().found()).isTrue();
            });
    // The status query's progress is at most one longest wait (plus a step) behind.
    assertThat(running.phase()).isEqualTo(RunPhase.RUNNING);
    assertThat(running.progress().done()).isGreaterThanOrEqualTo(steps - 2L);
    assertThat(fake.provisioned()).hasSize(1);
    assertThat(fake.liveCount()).isZero();
  }

  @Test
  void aComputeItsProviderSeesEndedDaysIntoARunIsReplacedWithinTheLongestWait(
      TestWorkflowEnvironment env, WorkflowOptions options) throws InterruptedException {
    fake.bootWith(asyncCompute(env));
    RunWorkflow run = stub(env, options);
    // A heartbeat timeout of a day: only the looks at the compute can notice the crash in time.
    WorkflowClient.start(
        run::run,
        request(new RunTimeouts(Duration.ofMinutes(5), RunTimeouts.MAX_RUN, Duration.ofDays(1))));
    Workload first = nextWorkload();
    ActivityCompletionClient completions = env.getWorkflowClient().newActivityCompletionClient();
    int steps = (int) (Duration.ofDays(2).toMillis() / STEP.toMillis());
    // Not taken back: the lost workload activity is abandoned, never completed, so it keeps its
    // lock (the test server does not release it when the workflow ends either).
    releaseWorkloadLock(env);
    for (int step = 1; step <= steps; step++) {
      env.sleep(STEP);
      completions.heartbeat(first.token(), heartbeat(step, steps));
    }

    fake.crash(fake.provisioned().getFirst(), 137);
    long crashedAt = env.currentTimeMillis();
    Duration limit = ComputeAttempt.MAX_POLL.plus(ComputeAttempt.EXIT_GRACE);
    while (fake.provisioned().size() < 2
        && env.currentTimeMillis() - crashedAt < limit.multipliedBy(3).toMillis()) {
      env.sleep(Duration.ofSeconds(5));
    }
    Workload second = nextWorkload();
    // When the workflow gave up on the first compute, by the server's clock.
    long cancelledAt =
        env.getWorkflowClient().fetchHistory(workflowId).getEvents().stream()
            .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED)
            .findFirst()
            .map(e -> Timestamps.toMillis(e.getEventTime()))
            .orElseThrow();
    Duration detected = Duration.ofMillis(cancelledAt - crashedAt);
    completions.complete(
        second.token(),
        new WorkloadResult(JSON.createObjectNode().put("days", 2), second.task().checkpoint()));
    RunResult result = WorkflowStub.fromTyped(run).getResult(RunResult.class);

    System.out.printf("compute seen ended after %s of silence on a 2-day run%n", detected);
    assertThat(fake.provisioned()).hasSize(2).doesNotHaveDuplicates();
    // Within one longest wait and the exit grace (and the describe's few seconds).
    assertThat(detected).isLessThanOrEqualTo(limit.plusSeconds(5));
    assertThat(result.attempts())
        .extracting(AttemptSummary::outcome)
        .containsExactly(AttemptOutcome.COMPUTE_LOST, AttemptOutcome.SUCCEEDED);
    assertThat(result.attempts().getFirst().detail()).contains("Exited[exitCode=137]");
    // The second compute resumes from the last checkpoint the first one reported.
    assertThat(second.task().checkpoint().get("step").asInt()).isEqualTo(steps);
    assertThat(result.resumedFrom().get("step").asInt()).isEqualTo(steps);
  }

  @Test
  void aBugInWorkflowCodeFailsTheRunWithItsReasonAfterTearingTheComputeDown(
      TestWorkflowEnvironment env, WorkflowOptions options) {
    // The provider reports no state at all: the watch loop dereferences it and throws, as a bug
    // in workflow code would. Without the guard the workflow task would be retried forever and
    // getResult would never return.
    RunRequest request =
        request(RunTimeouts.defaults())
            .withCompute(dev.ferry.api.ComputeSpec.defaults().withProvider(NullStateProvider.ID));

    RunWorkflow run = stub(env, options);
    WorkflowClient.start(run::run, request);

    assertThatThrownBy(
            () -> WorkflowStub.fromTyped(run).getResult(2, TimeUnit.MINUTES, RunResult.class))
        .as("the run ends (a workflow task retried forever would time this out)")
        .isInstanceOf(WorkflowFailedException.class)
        .cause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo(FailureTypes.INTERNAL_ERROR);
              assertThat(f.isNonRetryable()).isTrue();
              assertThat(f.getOriginalMessage())
                  .contains("internal error in Ferry's run workflow", "NullPointerException");
            });
    RunStatus status = status(env);
    assertThat(status.phase()).isEqualTo(RunPhase.FAILED);
    assertThat(status.failure()).contains("NullPointerException");
    assertThat(buggy.inner.provisioned()).hasSize(1);
    assertThat(buggy.inner.deprovisionCalls()).isEqualTo(1);
    assertThat(buggy.inner.liveCount()).isZero();
  }

  /** Takes the test server's time lock back when closed. */
  private interface TimeLock extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Releases the time lock the test server holds for the outstanding workload activity, so that
   * {@link TestWorkflowEnvironment#sleep} skips time while it runs; closing takes it back, which
   * must happen before the activity completes (its completion releases the lock again).
   */
  private static TimeLock releaseWorkloadLock(TestWorkflowEnvironment env) {
    TestServiceStubs stubs =
        TestServiceStubs.newServiceStubs(
            TestServiceStubsOptions.newBuilder(env.getWorkflowServiceStubs().getOptions())
                .validateAndBuildWithDefaults());
    stubs.blockingStub().unlockTimeSkipping(UnlockTimeSkippingRequest.getDefaultInstance());
    return () ->
        stubs.blockingStub().lockTimeSkipping(LockTimeSkippingRequest.getDefaultInstance());
  }

  /** One workload activity that a stand-in compute took, to be completed by the test. */
  private record Workload(byte[] token, WorkloadTask task) {}

  /** The workload of the external worker, completed later by the test instead of on return. */
  private static final class AsyncWorkload implements WorkloadActivity {
    private final BlockingQueue<Workload> taken;

    AsyncWorkload(BlockingQueue<Workload> taken) {
      this.taken = taken;
    }

    @Override
    public WorkloadResult run(WorkloadTask task) {
      ActivityExecutionContext context = Activity.getExecutionContext();
      context.doNotCompleteOnReturn();
      taken.add(new Workload(context.getTaskToken(), task));
      return null;
    }
  }

  private FakeComputeProvider.Boot asyncCompute(TestWorkflowEnvironment env) {
    return request -> {
      WorkerFactory factory = WorkerFactory.newInstance(env.getWorkflowClient());
      factory
          .newWorker(request.taskQueue())
          .registerActivitiesImplementations(new AsyncWorkload(workloads));
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
    };
  }

  /** A provider with a bug: it says nothing about the state of the compute it made. */
  private static final class NullStateProvider implements ComputeProvider {
    static final String ID = "buggy";
    final FakeComputeProvider inner = new FakeComputeProvider(ID);

    @Override
    public String id() {
      return ID;
    }

    @Override
    public String pinImage(String image) {
      return image;
    }

    @Override
    public ComputeHandle provision(ProvisionRequest request) {
      return inner.provision(request);
    }

    @Override
    public ComputeState describe(ComputeHandle handle) {
      return null;
    }

    @Override
    public TeardownReceipt deprovision(ComputeHandle handle) {
      return inner.deprovision(handle);
    }

    @Override
    public List<LabelledResource> listLabelled(LabelSelector selector) {
      return inner.listLabelled(selector);
    }
  }

  private Workload nextWorkload() throws InterruptedException {
    Workload workload = workloads.poll(60, TimeUnit.SECONDS);
    assertThat(workload).as("a stand-in compute took the workload").isNotNull();
    return workload;
  }

  private static WorkloadHeartbeat heartbeat(int step, int steps) {
    JsonNode checkpoint = JSON.createObjectNode().put("step", step);
    return new WorkloadHeartbeat(new Progress(step, steps, "step " + step), checkpoint);
  }

  private static RunRequest request(RunTimeouts timeouts) {
    return RunRequest.of("primes", JSON.createObjectNode().put("below", 1000))
        .withTimeouts(timeouts);
  }

  private RunWorkflow stub(TestWorkflowEnvironment env, WorkflowOptions options) {
    return env.getWorkflowClient()
        .newWorkflowStub(RunWorkflow.class, options.toBuilder().setWorkflowId(workflowId).build());
  }

  private RunStatus status(TestWorkflowEnvironment env) {
    return env.getWorkflowClient().newWorkflowStub(RunWorkflow.class, workflowId).status();
  }
}
