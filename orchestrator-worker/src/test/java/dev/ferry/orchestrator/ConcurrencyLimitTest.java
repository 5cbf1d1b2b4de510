package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.api.ConcurrencyLimitWorkflow;
import dev.ferry.api.Labels;
import dev.ferry.api.LimitState;
import dev.ferry.api.PermitRequest;
import dev.ferry.api.QueuePlace;
import dev.ferry.api.RunPhase;
import dev.ferry.api.RunRequest;
import dev.ferry.api.RunResult;
import dev.ferry.api.RunStatus;
import dev.ferry.api.RunTimeouts;
import dev.ferry.api.RunWorkflow;
import dev.ferry.external.WorkloadActivityImpl;
import dev.ferry.external.WorkloadRegistry;
import dev.ferry.providers.FakeComputeProvider;
import dev.ferry.providers.ProviderRegistry;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.WorkerFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The per-provider concurrency limit on Temporal's test server: run workflows and the provider's
 * queue workflow ({@link ConcurrencyLimitWorkflowImpl}) with the fake provider limited to 2, and
 * real workloads on in-process workers standing in for compute. Every test ends with no live
 * resource and every stand-in compute stopped.
 */
class ConcurrencyLimitTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int LIMIT = 2;
  private static final String QUEUE_ID = ConcurrencyLimitWorkflow.workflowId("fake");
  private static final RunTimeouts PATIENT =
      new RunTimeouts(Duration.ofMinutes(1), Duration.ofMinutes(30), Duration.ofMinutes(1));

  private final FakeComputeProvider fake = new FakeComputeProvider();
  private final String prefix = "limit-test-" + UUID.randomUUID().toString().substring(0, 8) + "-";

  /** Workflow ids of the runs, in the order their computes were provisioned. */
  private final List<String> provisionOrder = Collections.synchronizedList(new ArrayList<>());

  private final LiveSampler sampler = new LiveSampler(fake);

  @RegisterExtension
  final TestWorkflowExtension temporal =
      TestWorkflowExtension.newBuilder()
          .registerWorkflowImplementationTypes(
              Orchestrator.workflowOptions(),
              RunWorkflowImpl.class,
              ConcurrencyLimitWorkflowImpl.class)
          .setActivityImplementations(
              new ComputeActivitiesImpl(
                  ProviderRegistry.of(fake),
                  new ComputeDefaults("fake", null),
                  new WorkerEnvironment("127.0.0.1:7233", "default", Map.of()),
                  ConcurrencyLimits.fromEnvironment(
                      Map.of("FERRY_MAX_CONCURRENT_FAKE", String.valueOf(LIMIT)), List.of("fake"))),
              new ConcurrencyLimitActivitiesImpl())
          .build();

  @AfterEach
  void noComputeLeft() throws InterruptedException {
    try {
      sampler.close();
      assertThat(fake.liveCount()).as("live compute after the runs").isZero();
      assertThat(fake.awaitComputesStopped(Duration.ofSeconds(30)))
          .as("every stand-in compute stopped; still running: %d", fake.runningComputes())
          .isTrue();
    } finally {
      fake.stopAll();
    }
  }

  @Test
  void fiveRunsUnderALimitOfTwoQueueInArrivalOrderAndNeverHoldMoreThanTwoComputes(
      TestWorkflowEnvironment env, WorkflowOptions options) {
    fake.bootWith(primesCompute(env)).holdProvisioning();
    sampler.start();

    List<WorkflowStub> runs = startInOrder(env, options, 5);

    // Two hold a place (their provisioning is held); three wait, and know their place.
    awaitTrue(
        "the queue holds two runs and queues three",
        () -> queueStatus(env).holders().size() == 2 && queueStatus(env).queue().size() == 3);
    for (int i = 2; i < 5; i++) {
      int place = i - 1;
      String id = runs.get(i).getExecution().getWorkflowId();
      awaitTrue(id + " reports place " + place, () -> place(env, id) == place);
      RunStatus status = status(env, id);
      assertThat(status.phase()).isEqualTo(RunPhase.QUEUED);
      assertThat(status.queue()).isEqualTo(new QueuePlace("fake", LIMIT, place));
      assertThat(status.compute()).as("a queued run has no compute").isNull();
    }
    assertThat(queueStatus(env).queue()).containsExactlyElementsOf(ids(runs).subList(2, 5));
    fake.releaseProvisioning();

    for (WorkflowStub run : runs) {
      assertThat(run.getResult(RunResult.class).output().get("count").asLong()).isEqualTo(168);
    }
    assertThat(grantOrder(env)).as("places granted in arrival order").isEqualTo(ids(runs));
    assertThat(provisionOrder).containsExactlyInAnyOrderElementsOf(ids(runs));
    assertThat(sampler.max()).as("most live computes at once").isEqualTo(LIMIT);
    assertThat(queueStatus(env).holders()).isEmpty();
  }

  @Test
  void aRunCancelledWhileQueuedLeavesTheQueueAndTheOthersProceed(
      TestWorkflowEnvironment env, WorkflowOptions options) {
    fake.bootWith(primesCompute(env)).holdProvisioning();
    sampler.start();
    List<WorkflowStub> runs = startInOrder(env, options, 4);
    String cancelled = runs.get(2).getExecution().getWorkflowId();
    String last = runs.get(3).getExecution().getWorkflowId();
    awaitTrue("the last run waits second in line", () -> place(env, last) == 2);

    runs.get(2).cancel();

    assertThatThrownBy(() -> runs.get(2).getResult(RunResult.class))
        .isInstanceOf(WorkflowFailedException.class)
        .cause()
        .isInstanceOf(CanceledFailure.class);
    awaitTrue(
        "the cancelled run left the queue", () -> !queueStatus(env).queue().contains(cancelled));
    awaitTrue("the last run moved up to first in line", () -> place(env, last) == 1);
    fake.releaseProvisioning();
    for (WorkflowStub run : List.of(runs.get(0), runs.get(1), runs.get(3))) {
      assertThat(run.getResult(RunResult.class).output().get("count").asLong()).isEqualTo(168);
    }
    assertThat(provisionOrder).doesNotContain(cancelled).hasSize(3);
    assertThat(sampler.max()).isLessThanOrEqualTo(LIMIT);
  }

  @Test
  void aTerminatedHoldersPlaceIsTakenBackForTheNextRun(
      TestWorkflowEnvironment env, WorkflowOptions options) throws InterruptedException {
    CountDownLatch frozen = new CountDownLatch(LIMIT);
    AtomicInteger booted = new AtomicInteger();
    // The first two runs freeze mid-run; the third counts to the end.
    fake.bootWith(
        inProcess(
            env,
            () ->
                booted.incrementAndGet() <= LIMIT
                    ? freezing(frozen)
                    : WorkloadRegistry.builtIns()));
    sampler.start();
    // A queue that looks at its holders every 2 seconds, instead of every 30.
    env.getWorkflowClient()
        .newUntypedWorkflowStub(
            "ConcurrencyLimitWorkflow", options.toBuilder().setWorkflowId(QUEUE_ID).build())
        .start(new LimitState("fake", LIMIT, List.of(), List.of(), 0, 0, 0, Duration.ofSeconds(2)));
    List<WorkflowStub> runs = startInOrder(env, options, 3);
    assertThat(frozen.await(60, TimeUnit.SECONDS)).as("both holders run").isTrue();
    String terminated = runs.get(0).getExecution().getWorkflowId();

    // Terminate runs no workflow code: the run never gives its place back.
    runs.get(0).terminate("operator");
    // The reaper's job, done by hand here: the terminated run's compute is left to it.
    fake.live().values().stream()
        .filter(r -> r.request().labels().get(Labels.WORKFLOW_ID).equals(terminated))
        .forEach(r -> fake.deprovision(handleOf(r)));

    assertThat(runs.get(2).getResult(RunResult.class).output().get("count").asLong())
        .isEqualTo(168);
    LimitState queue = queueStatus(env);
    assertThat(queue.reclaimed()).as("places taken back").isEqualTo(1);
    assertThat(queue.holders()).containsExactly(runs.get(1).getExecution().getWorkflowId());
    runs.get(1).cancel();
    assertThatThrownBy(() -> runs.get(1).getResult(RunResult.class))
        .cause()
        .isInstanceOf(CanceledFailure.class);
    assertThat(sampler.max()).isLessThanOrEqualTo(LIMIT);
  }

  @Test
  void theQueueKeepsItsHoldersAndItsOrderWhenItContinuesAsNew(
      TestWorkflowEnvironment env, WorkflowOptions options) {
    fake.bootWith(primesCompute(env)).holdProvisioning();
    sampler.start();
    // The queue started first, with a budget so small that it continues as new while runs wait.
    WorkflowStub queue =
        env.getWorkflowClient()
            .newUntypedWorkflowStub(
                "ConcurrencyLimitWorkflow", options.toBuilder().setWorkflowId(QUEUE_ID).build());
    WorkflowExecution first =
        queue.start(new LimitState("fake", LIMIT, List.of(), List.of(), 0, 0, 40, null));

    List<WorkflowStub> runs = startInOrder(env, options, 5);
    awaitTrue(
        "the queue continued as new",
        () -> !currentRunId(env).equals(first.getRunId()) && queueStatus(env).queue().size() == 3);

    LimitState after = queueStatus(env);
    assertThat(after.holders()).containsExactlyElementsOf(ids(runs).subList(0, 2));
    assertThat(after.queue()).containsExactlyElementsOf(ids(runs).subList(2, 5));
    assertThat(after.eventBudget()).isEqualTo(40);
    fake.releaseProvisioning();
    for (WorkflowStub run : runs) {
      assertThat(run.getResult(RunResult.class).output().get("count").asLong()).isEqualTo(168);
    }
    assertThat(grantOrder(env)).as("places granted in arrival order").isEqualTo(ids(runs));
    assertThat(sampler.max()).isEqualTo(LIMIT);
  }

  @Test
  void anAcquireFromAHolderGrantsItAgainWithoutTakingASecondPlace(
      TestWorkflowEnvironment env, WorkflowOptions options) {
    fake.bootWith(primesCompute(env)).holdProvisioning();
    List<WorkflowStub> runs = startInOrder(env, options, 1);
    String holder = runs.getFirst().getExecution().getWorkflowId();
    awaitTrue("the run holds a place", () -> queueStatus(env).holders().contains(holder));

    // As a retried request, or a run that continued as new, would ask again.
    env.getWorkflowClient()
        .newWorkflowStub(ConcurrencyLimitWorkflow.class, QUEUE_ID)
        .acquire(new PermitRequest("fake", LIMIT, holder, "again"));

    assertThat(queueStatus(env).holders()).containsExactly(holder);
    assertThat(queueStatus(env).queue()).isEmpty();
    fake.releaseProvisioning();
    assertThat(runs.getFirst().getResult(RunResult.class).output().get("count").asLong())
        .isEqualTo(168);
  }

  @Test
  void aQueuedRunTerminatedIsDroppedWhenTheQueueCannotReachItAndTheOthersProceed(
      TestWorkflowEnvironment env, WorkflowOptions options) {
    fake.bootWith(primesCompute(env)).holdProvisioning();
    sampler.start();
    List<WorkflowStub> runs = startInOrder(env, options, 4);
    String terminated = runs.get(2).getExecution().getWorkflowId();
    String last = runs.get(3).getExecution().getWorkflowId();
    awaitTrue("the last run waits second in line", () -> place(env, last) == 2);

    // No workflow code runs: the run never leaves the queue by itself.
    runs.get(2).terminate("operator");
    fake.releaseProvisioning();

    for (WorkflowStub run : List.of(runs.get(0), runs.get(1), runs.get(3))) {
      assertThat(run.getResult(RunResult.class).output().get("count").asLong()).isEqualTo(168);
    }
    assertThat(provisionOrder).doesNotContain(terminated).hasSize(3);
    LimitState queue = queueStatus(env);
    assertThat(queue.holders()).isEmpty();
    assertThat(queue.queue()).isEmpty();
    assertThat(sampler.max()).isLessThanOrEqualTo(LIMIT);
  }

  /**
   * The runs the queue granted a place to, in the order it did, read from the grant signals in its
   * history (every execution of it, across continue-as-new).
   */
  private static List<String> grantOrder(TestWorkflowEnvironment env) {
    List<List<HistoryEvent>> executions = new ArrayList<>();
    String runId = "";
    do {
      WorkflowClient client = env.getWorkflowClient();
      List<HistoryEvent> events =
          (runId.isEmpty() ? client.fetchHistory(QUEUE_ID) : client.fetchHistory(QUEUE_ID, runId))
              .getEvents();
      executions.addFirst(events);
      runId =
          events
              .getFirst()
              .getWorkflowExecutionStartedEventAttributes()
              .getContinuedExecutionRunId();
    } while (!runId.isEmpty());
    List<String> granted = new ArrayList<>();
    for (List<HistoryEvent> events : executions) {
      for (HistoryEvent event : events) {
        if (!event.hasSignalExternalWorkflowExecutionInitiatedEventAttributes()) {
          continue;
        }
        var signal = event.getSignalExternalWorkflowExecutionInitiatedEventAttributes();
        try {
          JsonNode notice =
              JSON.readTree(signal.getInput().getPayloads(0).getData().toStringUtf8());
          if (notice.get("place").asInt() == 0) {
            granted.add(signal.getWorkflowExecution().getWorkflowId());
          }
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    }
    return granted;
  }

  /** Starts runs one after the other, each once the queue has seen the one before. */
  private List<WorkflowStub> startInOrder(
      TestWorkflowEnvironment env, WorkflowOptions options, int count) {
    List<WorkflowStub> runs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String id = prefix + i;
      RunWorkflow run =
          env.getWorkflowClient()
              .newWorkflowStub(RunWorkflow.class, options.toBuilder().setWorkflowId(id).build());
      WorkflowClient.start(run::run, primes(1_000));
      runs.add(WorkflowStub.fromTyped(run));
      awaitTrue(
          id + " reached the queue",
          () -> {
            LimitState queue = queueStatus(env);
            return queue.holders().contains(id) || queue.queue().contains(id);
          });
    }
    return runs;
  }

  private FakeComputeProvider.Boot primesCompute(TestWorkflowEnvironment env) {
    return inProcess(env, WorkloadRegistry::builtIns);
  }

  /** A boot that starts an in-process worker on the attempt's queue, and notes whose it is. */
  private FakeComputeProvider.Boot inProcess(
      TestWorkflowEnvironment env, java.util.function.Supplier<WorkloadRegistry> workloads) {
    return request -> {
      provisionOrder.add(request.labels().get(Labels.WORKFLOW_ID));
      WorkerFactory factory = WorkerFactory.newInstance(env.getWorkflowClient());
      factory
          .newWorker(request.taskQueue())
          .registerActivitiesImplementations(new WorkloadActivityImpl(workloads.get()));
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

  private static WorkloadRegistry freezing(CountDownLatch frozen) {
    WorkloadRegistry builtIns = WorkloadRegistry.builtIns();
    return WorkloadRegistry.of(
        FreezingWorkload.wrap(builtIns.find("primes").orElseThrow(), 1, frozen));
  }

  private static dev.ferry.api.ComputeHandle handleOf(FakeComputeProvider.Resource resource) {
    String name = resource.request().name();
    return new dev.ferry.api.ComputeHandle("fake", name, "fake-" + name);
  }

  private static LimitState queueStatus(TestWorkflowEnvironment env) {
    return env.getWorkflowClient()
        .newWorkflowStub(ConcurrencyLimitWorkflow.class, QUEUE_ID)
        .status();
  }

  private static String currentRunId(TestWorkflowEnvironment env) {
    return env.getWorkflowClient()
        .newUntypedWorkflowStub(QUEUE_ID)
        .describe()
        .getExecution()
        .getRunId();
  }

  private static RunStatus status(TestWorkflowEnvironment env, String id) {
    return env.getWorkflowClient().newWorkflowStub(RunWorkflow.class, id).status();
  }

  /** The run's place in the queue; 0 while it has none to report. */
  private static int place(TestWorkflowEnvironment env, String id) {
    QueuePlace queue = status(env, id).queue();
    return queue == null || queue.place() == null ? 0 : queue.place();
  }

  private static List<String> ids(List<WorkflowStub> runs) {
    return runs.stream().map(r -> r.getExecution().getWorkflowId()).toList();
  }

  private static RunRequest primes(long below) {
    return RunRequest.of("primes", JSON.createObjectNode().put("below", below))
        .withTimeouts(PATIENT);
  }

  /** Waits for a condition; a condition that throws (a query too early) counts as not yet. */
  private static void awaitTrue(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException notYet) {
        // the workflow has not run its first task yet
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** Samples the fake's live resources on a thread of its own, keeping the most seen at once. */
  private static final class LiveSampler implements AutoCloseable {
    private final FakeComputeProvider fake;
    private final AtomicInteger max = new AtomicInteger();
    private final AtomicBoolean running = new AtomicBoolean();
    private Thread thread;

    LiveSampler(FakeComputeProvider fake) {
      this.fake = fake;
    }

    void start() {
      running.set(true);
      thread =
          Thread.ofPlatform()
              .daemon()
              .start(
                  () -> {
                    while (running.get()) {
                      max.accumulateAndGet(fake.liveCount(), Math::max);
                      Thread.onSpinWait();
                      try {
                        Thread.sleep(1);
                      } catch (InterruptedException e) {
                        return;
                      }
                    }
                  });
    }

    int max() {
      return max.get();
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      if (thread != null) {
        thread.join(5_000);
      }
    }
  }
}
