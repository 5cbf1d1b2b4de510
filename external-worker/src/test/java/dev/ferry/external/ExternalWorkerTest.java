package dev.ferry.external;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.api.FailureTypes;
import dev.ferry.api.PrimesInput;
import dev.ferry.api.Progress;
import dev.ferry.api.ShellInput;
import dev.ferry.api.WorkloadHeartbeat;
import dev.ferry.api.WorkloadResult;
import dev.ferry.api.WorkloadTask;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.converter.DataConverter;
import io.temporal.envconfig.ClientConfigProfile;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ExternalWorkerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String WORKFLOW_QUEUE = "test-orchestrator";
  private static final String RUN_QUEUE = "ferry-run-test-1";

  private TestWorkflowEnvironment env;
  private WorkflowClient client;

  @BeforeEach
  void startTemporal() {
    // Real time: the workload runs on real threads, and heartbeat timeouts must not skip ahead.
    env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
    env.newWorker(WORKFLOW_QUEUE)
        .registerWorkflowImplementationTypes(OneWorkloadWorkflowImpl.class);
    env.start();
    client = env.getWorkflowClient();
  }

  @AfterEach
  void stopTemporal() {
    env.close();
  }

  @Test
  void runsOneTaskReportsItsResultAndExitsWithZero() throws Exception {
    ExternalWorker worker = worker(WorkloadRegistry.builtIns(), Duration.ofSeconds(30));
    WorkflowStub first = start("first", task("primes", new PrimesInput(1_000_000)));
    WorkflowStub second = start("second", task("primes", new PrimesInput(100)));

    ExitCode exit = worker.run();

    assertThat(exit).isEqualTo(ExitCode.TASK_DONE);
    assertThat(exit.code()).isZero();
    // The result was reported before run returned, so one workflow can finish without a worker.
    List<WorkflowStub> done =
        List.of(first, second).stream().filter(stub -> resultWithin(stub, 2).isPresent()).toList();
    assertThat(done).hasSize(1);
    WorkflowStub other = done.getFirst() == first ? second : first;
    assertThat(pendingActivity(other.getExecution().getWorkflowId()).getState())
        .as("the second task is never taken")
        .isEqualTo(PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED);
  }

  @Test
  void reportsAFailedWorkloadAndStillExitsWithZero() throws Exception {
    ExternalWorker worker = worker(WorkloadRegistry.builtIns(), Duration.ofSeconds(30));
    WorkflowStub run = start("failing", task("shell", new ShellInput("echo bad; exit 4")));

    assertThat(worker.run()).isEqualTo(ExitCode.TASK_DONE);

    assertThatThrownBy(() -> run.getResult(5, TimeUnit.SECONDS, WorkloadResult.class))
        .isInstanceOf(WorkflowFailedException.class)
        .cause()
        .isInstanceOf(ActivityFailure.class)
        .cause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            failure -> {
              assertThat(failure.getType()).isEqualTo(FailureTypes.WORKLOAD_FAILED);
              assertThat(failure.getOriginalMessage()).isEqualTo("command exited with code 4: bad");
            });
  }

  @Test
  void givesUpWithNonZeroWhenNoTaskArrivesInTime() throws Exception {
    ExternalWorker worker = worker(WorkloadRegistry.builtIns(), Duration.ofSeconds(1));
    long started = System.nanoTime();

    ExitCode exit = worker.run();

    assertThat(exit).isEqualTo(ExitCode.NO_TASK);
    assertThat(exit.code()).isEqualTo(3);
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .as("waited out the idle timeout")
        .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void givesUpWithNonZeroWhenTemporalStaysUnreachable() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    WorkflowServiceStubs nowhere =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget("localhost:" + closedPort).build());
    try {
      ExternalWorker worker =
          new ExternalWorker(
              WorkflowClient.newInstance(nowhere),
              new ExternalWorkerConfig(
                  RUN_QUEUE, Duration.ofSeconds(1), ClientConfigProfile.getDefaultInstance()),
              new WorkloadActivityImpl(WorkloadRegistry.builtIns()));

      assertThat(worker.run()).isEqualTo(ExitCode.NO_TASK);
    } finally {
      nowhere.shutdownNow();
    }
  }

  @Test
  void onSigtermFlushesTheLastHeartbeatAndLeavesTheTaskUnreported() throws Exception {
    StuckWorkload stuck = new StuckWorkload();
    ExternalWorker worker = worker(WorkloadRegistry.builtIns().with(stuck), Duration.ofSeconds(30));
    WorkflowStub run = start("terminated", task("stuck", JSON.createObjectNode()));
    CompletableFuture<ExitCode> exit = runInBackground(worker);
    assertThat(stuck.reported.await(10, TimeUnit.SECONDS)).isTrue();
    // The SDK throttles heartbeats after the first; if it had sent the second already, the flush
    // on SIGTERM would be indistinguishable from it, and this test would prove nothing.
    PendingActivityInfo before = pendingActivity(run.getExecution().getWorkflowId());
    assertThat(before.hasHeartbeatDetails() ? heartbeatOf(before) : null)
        .as("heartbeat the server holds before SIGTERM")
        .isNotEqualTo(StuckWorkload.SECOND);

    worker.terminate();

    assertThat(exit).succeedsWithin(5, TimeUnit.SECONDS).isEqualTo(ExitCode.TERMINATED);
    PendingActivityInfo pending = pendingActivity(run.getExecution().getWorkflowId());
    assertThat(pending.getState()).isEqualTo(PendingActivityState.PENDING_ACTIVITY_STATE_STARTED);
    assertThat(heartbeatOf(pending)).isEqualTo(StuckWorkload.SECOND);

    stuck.release.countDown();
    assertThat(stuck.returned.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(resultWithin(run, 1)).as("result after SIGTERM").isEmpty();
    worker.shutdownNow();
  }

  @Test
  void sigtermBeforeAnyTaskEndsTheWait() throws Exception {
    ExternalWorker worker = worker(WorkloadRegistry.builtIns(), Duration.ofSeconds(30));
    AtomicReference<Thread> runner = new AtomicReference<>();
    CompletableFuture<ExitCode> exit = runInBackground(worker, runner);
    awaitWaitingForATask(runner);

    worker.terminate();

    assertThat(exit).succeedsWithin(5, TimeUnit.SECONDS).isEqualTo(ExitCode.TERMINATED);
    worker.shutdownNow();
  }

  @Test
  void sigtermAfterTheTaskIsReportedChangesNothing() throws Exception {
    ExternalWorker worker = worker(WorkloadRegistry.builtIns(), Duration.ofSeconds(30));
    WorkflowStub run = start("normal", task("primes", new PrimesInput(100)));
    assertThat(worker.run()).isEqualTo(ExitCode.TASK_DONE);

    worker.terminate();

    assertThat(resultWithin(run, 5)).isPresent();
  }

  private ExternalWorker worker(WorkloadRegistry registry, Duration idleTimeout) {
    ExternalWorkerConfig config =
        new ExternalWorkerConfig(RUN_QUEUE, idleTimeout, ClientConfigProfile.getDefaultInstance());
    return new ExternalWorker(client, config, new WorkloadActivityImpl(registry));
  }

  private WorkflowStub start(String id, WorkloadTask task) {
    WorkflowStub stub =
        client.newUntypedWorkflowStub(
            "OneWorkloadWorkflow",
            WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(WORKFLOW_QUEUE).build());
    stub.start(RUN_QUEUE, task);
    return stub;
  }

  private static WorkloadTask task(String workload, Object input) {
    return new WorkloadTask(workload, JSON.valueToTree(input), null, 1);
  }

  private static CompletableFuture<ExitCode> runInBackground(ExternalWorker worker) {
    return runInBackground(worker, new AtomicReference<>());
  }

  private static CompletableFuture<ExitCode> runInBackground(
      ExternalWorker worker, AtomicReference<Thread> runner) {
    return CompletableFuture.supplyAsync(
        () -> {
          runner.set(Thread.currentThread());
          try {
            return worker.run();
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
        });
  }

  /** Waits until the thread running the worker is parked in the wait for its one task. */
  private static void awaitWaitingForATask(AtomicReference<Thread> runner)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      Thread thread = runner.get();
      if (thread != null
          && thread.getState() == Thread.State.TIMED_WAITING
          && Arrays.stream(thread.getStackTrace())
              .anyMatch(
                  frame ->
                      frame.getClassName().equals(TaskWatch.class.getName())
                          && frame.getMethodName().equals("awaitOutcome"))) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the worker never started waiting for a task");
  }

  private static Optional<WorkloadResult> resultWithin(WorkflowStub stub, int seconds) {
    try {
      return Optional.of(stub.getResult(seconds, TimeUnit.SECONDS, WorkloadResult.class));
    } catch (java.util.concurrent.TimeoutException e) {
      return Optional.empty();
    }
  }

  private PendingActivityInfo pendingActivity(String workflowId) {
    var description =
        env.getWorkflowServiceStubs()
            .blockingStub()
            .describeWorkflowExecution(
                DescribeWorkflowExecutionRequest.newBuilder()
                    .setNamespace(env.getNamespace())
                    .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                    .build());
    assertThat(description.getPendingActivitiesList()).hasSize(1);
    return description.getPendingActivities(0);
  }

  private static WorkloadHeartbeat heartbeatOf(PendingActivityInfo pending) {
    return DataConverter.getDefaultInstance()
        .fromPayloads(
            0,
            Optional.of(pending.getHeartbeatDetails()),
            WorkloadHeartbeat.class,
            WorkloadHeartbeat.class);
  }

  /** Reports twice, then waits to be released, like a workload caught mid-run by SIGTERM. */
  static final class StuckWorkload implements WorkloadRunner<JsonNode> {

    static final WorkloadHeartbeat FIRST =
        new WorkloadHeartbeat(new Progress(1, 10, "one"), JSON.createObjectNode().put("at", 1));
    static final WorkloadHeartbeat SECOND =
        new WorkloadHeartbeat(new Progress(2, 10, "two"), JSON.createObjectNode().put("at", 2));

    final CountDownLatch reported = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch returned = new CountDownLatch(1);

    @Override
    public String id() {
      return "stuck";
    }

    @Override
    public JsonNode parseInput(JsonNode input) {
      return input;
    }

    @Override
    public JsonNode run(JsonNode input, JsonNode checkpoint, HeartbeatReporter heartbeat)
        throws InterruptedException {
      heartbeat.report(FIRST.progress(), FIRST.checkpoint());
      heartbeat.report(SECOND.progress(), SECOND.checkpoint());
      reported.countDown();
      release.await();
      returned.countDown();
      return JSON.createObjectNode();
    }
  }
}
