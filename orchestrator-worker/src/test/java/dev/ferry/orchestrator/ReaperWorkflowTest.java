package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.api.ComputeSpec;
import dev.ferry.api.FailureTypes;
import dev.ferry.api.Labels;
import dev.ferry.api.ProvisionRequest;
import dev.ferry.api.ReaperState;
import dev.ferry.api.ReaperStatus;
import dev.ferry.api.ReaperWorkflow;
import dev.ferry.api.RunRequest;
import dev.ferry.api.RunTimeouts;
import dev.ferry.api.RunWorkflow;
import dev.ferry.api.TaskQueues;
import dev.ferry.providers.FakeComputeProvider;
import dev.ferry.providers.ProviderException;
import dev.ferry.providers.ProviderRegistry;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reaper against Temporal's test server and two fake providers: what it removes, what it keeps,
 * that a provider it cannot reach does not stop it, and that its counts survive continue-as-new.
 * Runs it judges are real workflow runs on the same server, open or closed.
 */
class ReaperWorkflowTest {

  private static final Duration INTERVAL = Duration.ofSeconds(2);
  private static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final WorkerEnvironment WORKER_ENV =
      new WorkerEnvironment("127.0.0.1:7233", "default", Map.of());

  /** A run that stays open until told to finish. */
  @WorkflowInterface
  public interface IdleWorkflow {
    @WorkflowMethod
    void idle();

    @SignalMethod
    void finish();
  }

  public static class IdleWorkflowImpl implements IdleWorkflow {
    private boolean finished;

    @Override
    public void idle() {
      Workflow.await(() -> finished);
    }

    @Override
    public void finish() {
      finished = true;
    }
  }

  private final FakeComputeProvider fake = new FakeComputeProvider("fake");
  private final FakeComputeProvider flaky = new FakeComputeProvider("flaky");
  private TestWorkflowEnvironment env;
  private WorkflowClient client;

  @BeforeEach
  void startTemporal() {
    env = TestWorkflowEnvironment.newInstance();
    Worker worker = env.newWorker(TaskQueues.ORCHESTRATOR);
    worker.registerWorkflowImplementationTypes(
        Orchestrator.workflowOptions(),
        ReaperWorkflowImpl.class,
        RunWorkflowImpl.class,
        IdleWorkflowImpl.class);
    ProviderRegistry providers = ProviderRegistry.of(fake, flaky);
    worker.registerActivitiesImplementations(
        new ComputeActivitiesImpl(providers, new ComputeDefaults("fake", null), WORKER_ENV),
        new ReaperActivitiesImpl(providers, "fake", WORKER_ENV.scope(), Clock.systemUTC()));
    env.start();
    client = env.getWorkflowClient();
  }

  @AfterEach
  void stopTemporal() {
    fake.stopAll();
    flaky.stopAll();
    env.close();
  }

  @Test
  void removesComputeOfClosedAndUnknownRuns() {
    WorkflowExecution terminated = openRun();
    String ofTerminated = resource(fake, terminated, Instant.now().plusSeconds(3600));
    String ofUnknown =
        resource(
            fake,
            WorkflowExecution.newBuilder()
                .setWorkflowId("never-started")
                .setRunId(UUID.randomUUID().toString())
                .build(),
            Instant.now().plusSeconds(3600));
    client.newUntypedWorkflowStub(terminated.getWorkflowId()).terminate("operator");

    startReaper(ReaperState.starting(INTERVAL));

    ReaperStatus status = awaitStatus(s -> s.reapedRunClosed() >= 2);
    assertThat(status.reapedRunClosed()).isEqualTo(2);
    assertThat(status.reapedLeaseExpired()).isZero();
    assertThat(fake.live()).doesNotContainKeys(ofTerminated, ofUnknown);
    assertThat(fake.liveCount()).isZero();
  }

  @Test
  void removesComputeWhoseLeaseExpiredEvenIfItsRunIsOpen() {
    WorkflowExecution open = openRun();
    resource(fake, open, Instant.now().minusSeconds(1));

    startReaper(ReaperState.starting(INTERVAL));

    ReaperStatus status = awaitStatus(s -> s.reapedLeaseExpired() >= 1);
    assertThat(status.reapedLeaseExpired()).isEqualTo(1);
    assertThat(status.reapedRunClosed()).isZero();
    assertThat(fake.liveCount()).isZero();
    assertThat(statusOf(open)).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
  }

  @Test
  void keepsComputeOfOpenRunsWithinTheirLeaseAndOfOtherTemporals() {
    WorkflowExecution open = openRun();
    String kept = resource(fake, open, Instant.now().plusSeconds(3600));
    Map<String, String> foreign = labels(closedLookingRun(), Instant.now().minusSeconds(60));
    foreign.put(Labels.TEMPORAL, "default@elsewhere:7233");
    String ofAnotherTemporal = provision(fake, foreign);
    Map<String, String> unscoped = labels(closedLookingRun(), Instant.now().minusSeconds(60));
    unscoped.remove(Labels.TEMPORAL);
    String withoutScope = provision(fake, unscoped);

    startReaper(ReaperState.starting(INTERVAL));

    ReaperStatus status = awaitStatus(s -> s.rounds() >= 3);
    assertThat(status.reaped()).isZero();
    assertThat(fake.live()).containsKeys(kept, ofAnotherTemporal, withoutScope);
    // Once the run closes, its compute goes within a round.
    client.newWorkflowStub(IdleWorkflow.class, open.getWorkflowId()).finish();
    awaitStatus(s -> s.reapedRunClosed() >= 1);
    assertThat(fake.live()).doesNotContainKey(kept).containsKeys(ofAnotherTemporal, withoutScope);
    fake.deprovision(dev.ferry.api.ComputeHandle.named("fake", ofAnotherTemporal));
    fake.deprovision(dev.ferry.api.ComputeHandle.named("fake", withoutScope));
  }

  @Test
  void aProviderThatCannotBeListedIsRetriedAndDoesNotStopTheReaper() {
    String onFlaky = resource(flaky, closedLookingRun(), Instant.now().plusSeconds(3600));
    String onFake = resource(fake, closedLookingRun(), Instant.now().plusSeconds(3600));
    flaky.failLists(() -> new ProviderException.Unavailable("flaky API is down", null));

    startReaper(ReaperState.starting(INTERVAL));

    ReaperStatus whileDown = awaitStatus(s -> s.reapedRunClosed() >= 1 && s.rounds() >= 2);
    assertThat(fake.live()).doesNotContainKey(onFake);
    assertThat(flaky.live()).containsKey(onFlaky);
    assertThat(whileDown.unreachable()).singleElement().asString().contains("flaky API is down");

    flaky.failLists(null);

    ReaperStatus afterwards = awaitStatus(s -> s.reapedRunClosed() >= 2);
    assertThat(flaky.liveCount()).isZero();
    assertThat(afterwards.unreachable()).isEmpty();
    assertThat(statusOf(reaperExecution()))
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
  }

  @Test
  void aRemovalThatFailsIsTriedAgainNextRound() {
    resource(fake, closedLookingRun(), Instant.now().plusSeconds(3600));
    fake.failDeprovisions(3);

    startReaper(ReaperState.starting(INTERVAL));

    ReaperStatus status = awaitStatus(s -> s.reapedRunClosed() >= 1);
    assertThat(status.failedRemovals()).isEqualTo(1);
    assertThat(fake.liveCount()).isZero();
  }

  @Test
  void continueAsNewKeepsTheCounts() {
    resource(fake, closedLookingRun(), Instant.now().plusSeconds(3600));
    String firstRun = startReaper(new ReaperState(INTERVAL, 1, ReaperStatus.NONE)).getRunId();
    awaitStatus(s -> s.reapedRunClosed() >= 1);

    resource(fake, closedLookingRun(), Instant.now().minusSeconds(1));

    ReaperStatus status = awaitStatus(s -> s.reapedRunClosed() >= 2 && s.rounds() >= 3);
    assertThat(status.reapedRunClosed()).isEqualTo(2);
    assertThat(reaperExecution().getRunId()).isNotEqualTo(firstRun);
    assertThat(fake.liveCount()).isZero();
  }

  @Test
  void aSecondStartIsHarmless() {
    Orchestrator.startReaper(client, new ReaperSettings(INTERVAL));
    String runId = reaperExecution().getRunId();

    Orchestrator.startReaper(client, new ReaperSettings(INTERVAL));

    assertThat(reaperExecution().getRunId()).isEqualTo(runId);
    assertThat(statusOf(reaperExecution()))
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
  }

  @Test
  void theComputeARunCouldNotTearDownIsRemovedOnceTheRunHasFailed() {
    fake.failDeprovisions(Integer.MAX_VALUE);
    RunWorkflow run =
        client.newWorkflowStub(
            RunWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId("run-" + UUID.randomUUID())
                .setTaskQueue(TaskQueues.ORCHESTRATOR)
                .build());
    RunRequest request =
        RunRequest.of("primes", new ObjectMapper().createObjectNode().put("below", 1000))
            .withTimeouts(
                new RunTimeouts(
                    Duration.ofSeconds(2), Duration.ofMinutes(5), Duration.ofSeconds(2)))
            .withMaxComputeAttempts(1);

    assertThatThrownBy(() -> run.run(request))
        .isInstanceOf(WorkflowFailedException.class)
        .cause()
        .isInstanceOf(ApplicationFailure.class)
        .hasMessageContaining("the reaper will remove it")
        .satisfies(
            e ->
                assertThat(((ApplicationFailure) e).getType())
                    .isEqualTo(FailureTypes.TEARDOWN_FAILED));
    assertThat(fake.live().values())
        .singleElement()
        .satisfies(
            left -> {
              ProvisionRequest provisioned = left.request();
              // What the worker needs to end by itself, and the reaper to find it.
              assertThat(provisioned.spec().env())
                  .containsEntry("FERRY_LEASE_EXPIRES", provisioned.leaseExpiresAt().toString())
                  .containsEntry("FERRY_HEARTBEAT_TIMEOUT", "PT2S");
              assertThat(provisioned.labels())
                  .containsEntry(Labels.TEMPORAL, "default@127.0.0.1:7233")
                  .containsEntry(Labels.LEASE_EXPIRES, provisioned.leaseExpiresAt().toString());
            });
    fake.failDeprovisions(0);

    startReaper(ReaperState.starting(INTERVAL));

    awaitStatus(s -> s.reapedRunClosed() >= 1);
    assertThat(fake.liveCount()).isZero();
  }

  private WorkflowExecution startReaper(ReaperState state) {
    ReaperWorkflow reaper =
        client.newWorkflowStub(
            ReaperWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(ReaperWorkflow.ID)
                .setTaskQueue(TaskQueues.ORCHESTRATOR)
                .build());
    return WorkflowClient.start(reaper::run, state);
  }

  private ReaperStatus awaitStatus(Predicate<ReaperStatus> condition) {
    Instant deadline = Instant.now().plus(PATIENCE);
    ReaperStatus status = null;
    while (Instant.now().isBefore(deadline)) {
      status = client.newWorkflowStub(ReaperWorkflow.class, ReaperWorkflow.ID).status();
      if (condition.test(status)) {
        return status;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("the reaper's status never met the condition; last: " + status);
  }

  private WorkflowExecution reaperExecution() {
    return describe(WorkflowExecution.newBuilder().setWorkflowId(ReaperWorkflow.ID).build())
        .getWorkflowExecutionInfo()
        .getExecution();
  }

  private WorkflowExecutionStatus statusOf(WorkflowExecution execution) {
    return describe(execution).getWorkflowExecutionInfo().getStatus();
  }

  private io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse describe(
      WorkflowExecution execution) {
    return WorkflowDescriptions.describe(client, execution.getWorkflowId(), execution.getRunId());
  }

  private WorkflowExecution openRun() {
    IdleWorkflow idle =
        client.newWorkflowStub(
            IdleWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId("idle-" + UUID.randomUUID())
                .setTaskQueue(TaskQueues.ORCHESTRATOR)
                .build());
    return WorkflowClient.start(idle::idle);
  }

  /** A run that a server knows nothing of: closed, as far as the reaper can tell. */
  private static WorkflowExecution closedLookingRun() {
    return WorkflowExecution.newBuilder()
        .setWorkflowId("gone-" + UUID.randomUUID())
        .setRunId(UUID.randomUUID().toString())
        .build();
  }

  /** A resource of the run, labelled as the orchestrator labels it. */
  private static String resource(
      FakeComputeProvider provider, WorkflowExecution run, Instant lease) {
    return provision(provider, labels(run, lease));
  }

  private static Map<String, String> labels(WorkflowExecution run, Instant lease) {
    Map<String, String> labels = new HashMap<>();
    labels.put(Labels.MANAGED, "true");
    labels.put(Labels.WORKFLOW_ID, run.getWorkflowId());
    labels.put(Labels.RUN_ID, run.getRunId());
    labels.put(Labels.ATTEMPT, "1");
    labels.put(Labels.LEASE_EXPIRES, lease.toString());
    labels.put(Labels.TEMPORAL, WORKER_ENV.scope());
    return labels;
  }

  private static String provision(FakeComputeProvider provider, Map<String, String> labels) {
    String name = "ferry-" + UUID.randomUUID().toString().substring(0, 8) + "-a1";
    provider.provision(
        new ProvisionRequest(
            name,
            "q-" + name,
            ComputeSpec.defaults().withProvider(provider.id()),
            labels,
            Instant.parse(labels.get(Labels.LEASE_EXPIRES))));
    return name;
  }
}
