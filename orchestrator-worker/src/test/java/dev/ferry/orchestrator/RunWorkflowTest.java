package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.api.AttemptOutcome;
import dev.ferry.api.AttemptSummary;
import dev.ferry.api.ComputeSpec;
import dev.ferry.api.FailureTypes;
import dev.ferry.api.Labels;
import dev.ferry.api.PrimesCheckpoint;
import dev.ferry.api.PrimesOutput;
import dev.ferry.api.ProvisionRequest;
import dev.ferry.api.RunPhase;
import dev.ferry.api.RunRequest;
import dev.ferry.api.RunResult;
import dev.ferry.api.RunStatus;
import dev.ferry.api.RunTimeouts;
import dev.ferry.api.RunWorkflow;
import dev.ferry.external.WorkloadActivityImpl;
import dev.ferry.external.WorkloadRegistry;
import dev.ferry.providers.FakeComputeProvider;
import dev.ferry.providers.ProviderException;
import dev.ferry.providers.ProviderRegistry;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The run workflow against Temporal's test server with time skipping, the fake provider, and real
 * workloads on in-process workers that stand in for external compute. Every test ends with the
 * fake's live-resource count at zero and every stand-in compute stopped (its worker terminated, its
 * workload threads ended): teardown happens on every path, and really stops the compute.
 */
class RunWorkflowTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  // Where a timeout must fire. Short enough to pass in real time too: with the workflow polling
  // its compute through local activities, the test server rarely finds a moment to skip time.
  private static final RunTimeouts FAST =
      new RunTimeouts(Duration.ofSeconds(4), Duration.ofMinutes(30), Duration.ofSeconds(3));
  // Where no timeout is meant to fire: a loaded machine or a skip of the test server's clock must
  // not make one fire (the workflow's own compute polling comes first).
  private static final RunTimeouts PATIENT =
      new RunTimeouts(Duration.ofMinutes(1), Duration.ofMinutes(30), Duration.ofMinutes(1));

  private final FakeComputeProvider fake = new FakeComputeProvider();
  private final String workflowId = "run-test-" + UUID.randomUUID();

  @RegisterExtension
  final TestWorkflowExtension temporal =
      TestWorkflowExtension.newBuilder()
          .registerWorkflowImplementationTypes(
              Orchestrator.workflowOptions(), RunWorkflowImpl.class)
          .setActivityImplementations(
              new ComputeActivitiesImpl(
                  ProviderRegistry.of(fake),
                  new ComputeDefaults("fake", null),
                  new WorkerEnvironment(
                      "127.0.0.1:7233", "default", Map.of("TEMPORAL_API_KEY", "s3cret-key"))))
          .build();

  @AfterEach
  void noComputeLeft() throws InterruptedException {
    try {
      assertThat(fake.liveCount()).as("live compute after the run").isZero();
      assertThat(fake.awaitComputesStopped(Duration.ofSeconds(30)))
          .as("every stand-in compute stopped; still running: %d", fake.runningComputes())
          .isTrue();
    } finally {
      fake.stopAll();
    }
  }

  @Test
  void succeedsAndTearsTheComputeDown(TestWorkflowEnvironment env, WorkflowOptions options) {
    fake.bootWith(compute(env, attempt -> WorkloadRegistry.builtIns()));

    RunResult result = stub(env, options).run(primes(1_000_000).withTimeouts(PATIENT));

    assertThat(output(result).count()).isEqualTo(78_498);
    assertThat(result.attempts())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.outcome()).isEqualTo(AttemptOutcome.SUCCEEDED);
              assertThat(a.teardown().found()).isTrue();
            });
    assertThat(fake.provisioned()).hasSize(1);
  }

  @Test
  void secretsReachTheComputeButNeverTheHistory(
      TestWorkflowEnvironment env, WorkflowOptions options) {
    List<ProvisionRequest> seen = Collections.synchronizedList(new ArrayList<>());
    var boot = compute(env, attempt -> WorkloadRegistry.builtIns());
    fake.bootWith(
        request -> {
          seen.add(request);
          return boot.apply(request);
        });

    stub(env, options).run(primes(1_000).withTimeouts(PATIENT));

    assertThat(seen)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.spec().env())
                  .containsEntry("TEMPORAL_API_KEY", "s3cret-key")
                  .containsEntry("FERRY_TASK_QUEUE", r.taskQueue());
              assertThat(r.labels()).containsEntry(Labels.WORKLOAD, "primes");
            });
    String history = HistoryText.of(env.getWorkflowClient(), workflowId);
    assertThat(history)
        .contains(seen.getFirst().taskQueue(), "\"below\":1000")
        .doesNotContain("s3cret-key");
  }

  @Test
  void aFailingWorkloadFailsTheRunWithItsReasonOnOneCompute(
      TestWorkflowEnvironment env, WorkflowOptions options) {
    fake.bootWith(compute(env, attempt -> WorkloadRegistry.builtIns()));

    assertThatThrownBy(
            () -> stub(env, options).run(shell("echo broken input; exit 3").withTimeouts(PATIENT)))
        .isInstanceOf(WorkflowFailedException.class)
        .cause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo(FailureTypes.WORKLOAD_FAILED);
              assertThat(f.getOriginalMessage()).contains("exited with code 3", "broken input");
            });
    assertThat(fake.provisioned()).hasSize(1);
    assertThat(status(env, options).phase()).isEqualTo(RunPhase.FAILED);
  }

  @Test
  void aRejectedProvisionFailsTheRunAndRemovesWhatItMade(
      TestWorkflowEnvironment env, WorkflowOptions options) {
    fake.bootWith(compute(env, attempt -> WorkloadRegistry.builtIns()))
        .failProvisions(() -> new ProviderException.InvalidSpec("no such image"), true);

    assertThatThrownBy(() -> stub(env, options).run(primes(1_000)))
        .cause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo(FailureTypes.INVALID_COMPUTE_SPEC);
              assertThat(f.getOriginalMessage()).contains("no such image");
            });
    assertThat(fake.provisioned()).hasSize(1);
    assertThat(fake.liveCount()).isZero();
    assertComputesStopped();
  }

  @Test
  void aProviderThatStaysDownFailsTheRunAfterRetrying(
      TestWorkflowEnvironment env, WorkflowOptions options) {
    fake.failProvisions(() -> new ProviderException.Unavailable("platform down", null), false);

    assertThatThrownBy(() -> stub(env, options).run(primes(1_000)))
        .cause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> assertThat(f.getOriginalMessage()).contains("could not provision compute"));
    assertThat(fake.provisioned()).isEmpty();
  }

  @Test
  void computeThatNeverComesUpIsReplacedUntilTheAttemptsRunOut(
      TestWorkflowEnvironment env, WorkflowOptions options) {
    // The default boot starts no worker: every attempt's queue stays unpolled.

    assertThatThrownBy(() -> stub(env, options).run(primes(1_000).withMaxComputeAttempts(3)))
        .cause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo(FailureTypes.ATTEMPTS_EXHAUSTED);
              assertThat(f.getOriginalMessage()).contains("boot timeout");
            });
    assertThat(fake.provisioned()).hasSize(3).doesNotHaveDuplicates();
    assertThat(status(env, options).attempts())
        .extracting(AttemptSummary::outcome)
        .containsOnly(AttemptOutcome.COMPUTE_NEVER_STARTED);
  }

  @Test
  void computeLostMidRunIsReplacedAndTheWorkloadResumesFromItsCheckpoint(
      TestWorkflowEnvironment env, WorkflowOptions options) {
    CountDownLatch frozen = new CountDownLatch(1);
    fake.bootWith(
        compute(env, attempt -> attempt == 1 ? freezing(5, frozen) : WorkloadRegistry.builtIns()));

    RunResult result = stub(env, options).run(primes(50_000_000));

    assertThat(output(result).count()).isEqualTo(3_001_134);
    assertThat(result.attempts())
        .extracting(AttemptSummary::outcome)
        .containsExactly(AttemptOutcome.COMPUTE_LOST, AttemptOutcome.SUCCEEDED);
    assertThat(result.attempts().getFirst().detail()).contains("stopped heartbeating");
    assertThat(checkpoint(result).next()).isGreaterThan(0);
    assertThat(fake.provisioned()).hasSize(2).doesNotHaveDuplicates();
    assertComputesStopped();
  }

  @Test
  void computeSeenDeadByItsProviderIsReplacedWithoutWaitingForHeartbeats(
      TestWorkflowEnvironment env, WorkflowOptions options) throws InterruptedException {
    CountDownLatch frozen = new CountDownLatch(1);
    fake.bootWith(
        compute(env, attempt -> attempt == 1 ? freezing(3, frozen) : WorkloadRegistry.builtIns()));
    RunRequest request =
        primes(50_000_000)
            .withTimeouts(
                new RunTimeouts(Duration.ofMinutes(1), Duration.ofHours(2), Duration.ofHours(1)));
    RunWorkflow run = stub(env, options);
    WorkflowClient.start(run::run, request);

    assertThat(frozen.await(30, TimeUnit.SECONDS)).isTrue();
    fake.crash(fake.provisioned().getFirst(), 137);
    RunResult result = WorkflowStub.fromTyped(run).getResult(RunResult.class);

    assertThat(output(result).count()).isEqualTo(3_001_134);
    assertThat(result.attempts().getFirst().outcome()).isEqualTo(AttemptOutcome.COMPUTE_LOST);
    assertThat(result.attempts().getFirst().detail()).contains("Exited[exitCode=137]");
    assertThat(result.attempts().getFirst().teardown().exitCode()).isEqualTo(137);
    assertThat(checkpoint(result).next()).isGreaterThan(0);
    assertComputesStopped();
  }

  @Test
  void teardownIsRetriedUntilTheProviderConfirms(
      TestWorkflowEnvironment env, WorkflowOptions options) {
    fake.bootWith(compute(env, attempt -> WorkloadRegistry.builtIns())).failDeprovisions(3);

    RunResult result = stub(env, options).run(primes(1_000).withTimeouts(PATIENT));

    assertThat(output(result).count()).isEqualTo(168);
    assertThat(fake.deprovisionCalls()).isEqualTo(4);
    assertThat(result.attempts().getFirst().teardown())
        .satisfies(
            receipt -> {
              assertThat(receipt.found()).isTrue();
              assertThat(receipt.detail()).startsWith("gone on teardown attempt 4");
            });
    assertComputesStopped();
  }

  @Test
  void cancelledWhileProvisioningStillRemovesWhatProvisioningMade(
      TestWorkflowEnvironment env, WorkflowOptions options) throws InterruptedException {
    fake.holdProvisioning();
    RunWorkflow run = stub(env, options);
    WorkflowClient.start(run::run, primes(1_000));
    assertThat(fake.awaitProvisioning(30)).isTrue();

    WorkflowStub.fromTyped(run).cancel();
    fake.releaseProvisioning();

    assertCancelled(run);
    assertThat(fake.provisioned()).hasSize(1);
  }

  @Test
  void cancelledWhileWaitingForTheWorkerTearsDown(
      TestWorkflowEnvironment env, WorkflowOptions options) throws InterruptedException {
    RunWorkflow run = stub(env, options);
    WorkflowClient.start(
        run::run,
        primes(1_000)
            .withTimeouts(
                new RunTimeouts(Duration.ofHours(1), Duration.ofHours(2), Duration.ofMinutes(1))));
    awaitLive(1);

    WorkflowStub.fromTyped(run).cancel();

    assertCancelled(run);
  }

  @Test
  void cancelledWhileRunningTearsDown(TestWorkflowEnvironment env, WorkflowOptions options)
      throws InterruptedException {
    CountDownLatch frozen = new CountDownLatch(1);
    fake.bootWith(compute(env, attempt -> freezing(2, frozen)));
    RunWorkflow run = stub(env, options);
    WorkflowClient.start(run::run, primes(50_000_000));
    assertThat(frozen.await(30, TimeUnit.SECONDS)).isTrue();

    WorkflowStub.fromTyped(run).cancel();

    assertCancelled(run);
  }

  @Test
  void anUnknownWorkloadIsRejectedBeforeAnyCompute(
      TestWorkflowEnvironment env, WorkflowOptions options) {
    assertRejected(
        env,
        options,
        RunRequest.of("bitcoin", JSON.createObjectNode()),
        FailureTypes.INVALID_REQUEST,
        "unknown workload 'bitcoin'",
        "primes, shell, pr-check");
  }

  @Test
  void invalidWorkloadInputIsRejectedBeforeAnyCompute(
      TestWorkflowEnvironment env, WorkflowOptions options) {
    assertRejected(
        env,
        options,
        RunRequest.of("primes", JSON.createObjectNode().put("below", -5)),
        FailureTypes.INVALID_REQUEST,
        "below must be between 2");
  }

  @Test
  void anUnknownProviderIsRejectedBeforeAnyCompute(
      TestWorkflowEnvironment env, WorkflowOptions options) {
    assertRejected(
        env,
        options,
        primes(1_000).withCompute(ComputeSpec.defaults().withProvider("nope")),
        FailureTypes.INVALID_COMPUTE_SPEC,
        "unknown provider 'nope'",
        "fake");
  }

  @Test
  void aMissingImageIsRejectedBeforeAnyCompute(
      TestWorkflowEnvironment env, WorkflowOptions options) {
    fake.requireImage();

    assertRejected(
        env,
        options,
        primes(1_000),
        FailureTypes.INVALID_COMPUTE_SPEC,
        "runs an image",
        "FERRY_IMAGE");
  }

  @Test
  void anImageTheOperatorDidNotAllowIsRefusedBeforeAnyCompute(
      TestWorkflowEnvironment env, WorkflowOptions options) {
    assertRejected(
        env,
        options,
        primes(1_000).withCompute(ComputeSpec.defaults().withImage("attacker.example/steal:1")),
        FailureTypes.INVALID_COMPUTE_SPEC,
        "compute.image 'attacker.example/steal:1' is not allowed",
        "FERRY_ALLOWED_IMAGES");
  }

  @Test
  void aLoaderVariableInComputeEnvIsRefusedBeforeAnyCompute(
      TestWorkflowEnvironment env, WorkflowOptions options) {
    assertRejected(
        env,
        options,
        primes(1_000)
            .withCompute(
                ComputeSpec.defaults().withEnv(Map.of("LD_PRELOAD", "/tmp/x.so", "OK", "1"))),
        FailureTypes.INVALID_COMPUTE_SPEC,
        "compute.env must not set 'LD_PRELOAD'");
  }

  @Test
  void aRequestThatCannotBeReadFailsTheRunInsteadOfRetryingForever(
      TestWorkflowEnvironment env, WorkflowOptions options) {
    WorkflowStub untyped =
        env.getWorkflowClient()
            .newUntypedWorkflowStub(
                "RunWorkflow", options.toBuilder().setWorkflowId(workflowId).build());
    untyped.start(Map.of("workload", "primes", "input", List.of(1)));

    assertThatThrownBy(() -> untyped.getResult(RunResult.class))
        .isInstanceOf(WorkflowFailedException.class)
        .hasStackTraceContaining("input must be a JSON object");
    assertThat(fake.provisioned()).isEmpty();
  }

  @Test
  void aRunTimeoutBeyondItsBoundFailsTheRunNamingTheFieldAndTheMaximum(
      TestWorkflowEnvironment env, WorkflowOptions options) {
    // Sent by a client that skipped validation: now + run would overflow the lease's Instant.
    WorkflowStub untyped =
        env.getWorkflowClient()
            .newUntypedWorkflowStub(
                "RunWorkflow", options.toBuilder().setWorkflowId(workflowId).build());
    untyped.start(Map.of("workload", "primes", "timeouts", Map.of("run", "PT100000000000000H")));

    assertThatThrownBy(() -> untyped.getResult(RunResult.class))
        .isInstanceOf(WorkflowFailedException.class)
        .cause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo(FailureTypes.INVALID_REQUEST);
              assertThat(f.isNonRetryable()).isTrue();
              assertThat(f.getOriginalMessage())
                  .startsWith("timeouts.run must be at most PT168H (7 days)");
            });
    assertThat(fake.provisioned()).isEmpty();
  }

  private void assertRejected(
      TestWorkflowEnvironment env,
      WorkflowOptions options,
      RunRequest request,
      String type,
      String... message) {
    assertThatThrownBy(() -> stub(env, options).run(request))
        .cause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo(type);
              assertThat(f.getOriginalMessage()).contains(message);
              assertThat(f.isNonRetryable()).isTrue();
            });
    assertThat(fake.provisioned()).isEmpty();
  }

  private void assertCancelled(RunWorkflow run) {
    assertThatThrownBy(() -> WorkflowStub.fromTyped(run).getResult(RunResult.class))
        .isInstanceOf(WorkflowFailedException.class)
        .cause()
        .isInstanceOf(CanceledFailure.class);
    assertThat(fake.liveCount()).isZero();
    assertComputesStopped();
  }

  /** What ran on the stand-in computes has ended, not merely been asked to. */
  private void assertComputesStopped() {
    try {
      assertThat(fake.awaitComputesStopped(Duration.ofSeconds(30)))
          .as("stand-in computes still running: %d", fake.runningComputes())
          .isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private void awaitLive(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (fake.liveCount() < count && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(fake.liveCount()).isEqualTo(count);
  }

  /** A boot that starts an in-process worker on the attempt's queue, with these workloads. */
  private FakeComputeProvider.Boot compute(
      TestWorkflowEnvironment env, Function<Integer, WorkloadRegistry> workloads) {
    return request -> {
      int attempt = Integer.parseInt(request.labels().get(dev.ferry.api.Labels.ATTEMPT));
      AtomicBoolean stopped = new AtomicBoolean();
      WorkerFactory factory =
          WorkerFactory.newInstance(
              env.getWorkflowClient(),
              WorkerFactoryOptions.newBuilder()
                  .setWorkerInterceptors(new SilentWhenStopped(stopped))
                  .build());
      factory
          .newWorker(request.taskQueue())
          .registerActivitiesImplementations(new WorkloadActivityImpl(workloads.apply(attempt)));
      factory.start();
      return new FakeComputeProvider.Compute() {
        @Override
        public void stop() {
          // Interrupts the workload threads, as the end of a machine ends what runs on it; a dead
          // machine reports nothing, so what they throw then is not reported either.
          stopped.set(true);
          factory.shutdownNow();
        }

        @Override
        public boolean running() {
          return !factory.isTerminated();
        }
      };
    };
  }

  /**
   * Keeps a stopped stand-in compute from reporting the failure its interrupted workload throws:
   * the activity is left unanswered, as it is when real compute dies, and the workflow must notice.
   */
  private static final class SilentWhenStopped extends WorkerInterceptorBase {
    private final AtomicBoolean stopped;

    SilentWhenStopped(AtomicBoolean stopped) {
      this.stopped = stopped;
    }

    @Override
    public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
      return new ActivityInboundCallsInterceptorBase(next) {
        private ActivityExecutionContext context;

        @Override
        public void init(ActivityExecutionContext context) {
          this.context = context;
          super.init(context);
        }

        @Override
        public ActivityOutput execute(ActivityInput input) {
          try {
            return super.execute(input);
          } catch (RuntimeException e) {
            if (!stopped.get()) {
              throw e;
            }
            context.doNotCompleteOnReturn();
            return new ActivityOutput(null);
          }
        }
      };
    }
  }

  private static WorkloadRegistry freezing(int checkpoints, CountDownLatch frozen) {
    WorkloadRegistry builtIns = WorkloadRegistry.builtIns();
    return WorkloadRegistry.of(
        FreezingWorkload.wrap(builtIns.find("primes").orElseThrow(), checkpoints, frozen),
        builtIns.find("shell").orElseThrow());
  }

  private RunWorkflow stub(TestWorkflowEnvironment env, WorkflowOptions options) {
    return env.getWorkflowClient()
        .newWorkflowStub(RunWorkflow.class, options.toBuilder().setWorkflowId(workflowId).build());
  }

  private RunStatus status(TestWorkflowEnvironment env, WorkflowOptions options) {
    return env.getWorkflowClient().newWorkflowStub(RunWorkflow.class, workflowId).status();
  }

  private static RunRequest primes(long below) {
    return RunRequest.of("primes", JSON.createObjectNode().put("below", below)).withTimeouts(FAST);
  }

  private static RunRequest shell(String command) {
    return RunRequest.of("shell", JSON.createObjectNode().put("command", command))
        .withTimeouts(FAST);
  }

  private static PrimesOutput output(RunResult result) {
    return JSON.convertValue(result.output(), PrimesOutput.class);
  }

  private static PrimesCheckpoint checkpoint(RunResult result) {
    assertThat(result.resumedFrom()).as("checkpoint the last attempt resumed from").isNotNull();
    return JSON.convertValue(result.resumedFrom(), PrimesCheckpoint.class);
  }
}
