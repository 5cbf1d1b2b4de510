package dev.ferry.external;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.api.PrimesInput;
import dev.ferry.api.PrimesOutput;
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
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.converter.DataConverter;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testserver.TestServer;
import io.temporal.worker.WorkerFactory;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the worker as its own process, as a compute provider does, and sends it a real SIGTERM. */
class ExternalWorkerProcessTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String WORKFLOW_QUEUE = "test-orchestrator";
  private static final String RUN_QUEUE = "ferry-run-process-1";

  /** The shell workload's heartbeat once its command has printed its second line, "two". */
  private static final Progress TWO = new Progress(2, 0, "two");

  @TempDir Path dir;

  private TestServer.PortBoundTestServer server;
  private int port;
  private WorkflowServiceStubs stubs;
  private WorkflowClient client;
  private WorkerFactory orchestrator;
  private Process worker;

  @BeforeEach
  void startTemporal() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    server = TestServer.createPortBoundServer(port);
    stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget("localhost:" + port).build());
    client = WorkflowClient.newInstance(stubs);
    orchestrator = WorkerFactory.newInstance(client);
    orchestrator
        .newWorker(WORKFLOW_QUEUE)
        .registerWorkflowImplementationTypes(OneWorkloadWorkflowImpl.class);
    orchestrator.start();
  }

  @AfterEach
  void stopEverything() {
    if (worker != null) {
      worker.destroyForcibly();
    }
    orchestrator.shutdownNow();
    stubs.shutdownNow();
    if (server != null) {
      server.close();
    }
  }

  @Test
  void exitsWithZeroOnceItsOneTaskIsReported() throws Exception {
    worker = startWorker();
    WorkflowStub run = start(new PrimesInput(1_000_000));

    assertThat(worker.waitFor(30, TimeUnit.SECONDS)).as("worker exited").isTrue();

    assertThat(worker.exitValue()).as(log()).isZero();
    WorkloadResult result = run.getResult(5, TimeUnit.SECONDS, WorkloadResult.class);
    assertThat(JSON.treeToValue(result.output(), PrimesOutput.class))
        .isEqualTo(new PrimesOutput(1_000_000, 78_498));
  }

  @Test
  void onSigtermSendsTheLatestHeartbeatAndExitsWithoutReportingTheTask() throws Exception {
    worker = startWorker();
    Path gate = dir.resolve("gate");
    WorkflowStub run =
        start(
            "shell",
            new ShellInput(
                "echo one; i=0; while [ ! -e "
                    + gate
                    + " ] && [ $i -lt 600 ]; do sleep 0.05;"
                    + " i=$((i+1)); done; echo two; sleep 300"));
    awaitHeartbeat(run);
    Files.createFile(gate);
    awaitLog("Heartbeat recorded: " + heartbeatOf(TWO));
    // The SDK throttles heartbeats after the first; if one already carried "two", the flush on
    // SIGTERM would be indistinguishable from it, and this test would prove nothing.
    assertThat(progressOf(pendingActivity(run)))
        .as("heartbeat the server holds before SIGTERM")
        .isNotEqualTo(TWO);

    worker.destroy();

    assertThat(worker.waitFor(20, TimeUnit.SECONDS)).as("worker exited").isTrue();
    assertThat(worker.exitValue()).as(log()).isEqualTo(143);
    PendingActivityInfo pending = pendingActivity(run);
    assertThat(pending.getState()).isEqualTo(PendingActivityState.PENDING_ACTIVITY_STATE_STARTED);
    assertThat(progressOf(pending)).isEqualTo(TWO);
    assertThat(log()).contains("SIGTERM: sent the last heartbeat");
  }

  @Test
  void exitsByItselfWhenTemporalIsOutOfReachForLongerThanTheHeartbeatTimeout() throws Exception {
    worker = startWorker(Map.of("FERRY_HEARTBEAT_TIMEOUT", "PT2S"));
    start("shell", new ShellInput("echo one; sleep 300"));
    awaitLog("Took activity");
    List<ProcessHandle> workload = awaitWorkloadProcesses();

    server.close();
    server = null;

    assertThat(worker.waitFor(30, TimeUnit.SECONDS)).as("worker exited by itself").isTrue();
    assertThat(worker.exitValue()).as(log()).isEqualTo(ExitCode.CUT_OFF.code());
    assertThat(log()).contains("longer than the heartbeat timeout of PT2S");
    assertGone(workload);
  }

  @Test
  void exitsWhenItsLeaseRunsOutWhileTheWorkloadRuns() throws Exception {
    // Far enough ahead for a JVM to start and take its task on a loaded machine.
    worker = startWorker(Map.of("FERRY_LEASE_EXPIRES", Instant.now().plusSeconds(20).toString()));
    WorkflowStub run = start("shell", new ShellInput("echo one; sleep 300"));
    awaitHeartbeat(run);
    List<ProcessHandle> workload = awaitWorkloadProcesses();

    assertThat(worker.waitFor(40, TimeUnit.SECONDS)).as("worker exited by itself").isTrue();
    assertThat(worker.exitValue()).as(log()).isEqualTo(ExitCode.LEASE_EXPIRED.code());
    assertThat(log()).contains("The lease ran out");
    assertGone(workload);
    // Stopped, not failed: the task is left for the server to time out, as after a crash.
    assertThat(pendingActivity(run).getState())
        .isEqualTo(PendingActivityState.PENDING_ACTIVITY_STATE_STARTED);
  }

  @Test
  void aLeaseAlreadyOverEndsTheWorkerBeforeItTakesATask() throws Exception {
    worker = startWorker(Map.of("FERRY_LEASE_EXPIRES", Instant.now().minusSeconds(1).toString()));

    assertThat(worker.waitFor(30, TimeUnit.SECONDS)).as("worker exited by itself").isTrue();
    assertThat(worker.exitValue()).as(log()).isEqualTo(ExitCode.LEASE_EXPIRED.code());
    assertThat(log()).doesNotContain("Took activity");
  }

  /** The workload's own processes (the shell and its sleep), once they run. */
  private List<ProcessHandle> awaitWorkloadProcesses() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      List<ProcessHandle> children = worker.descendants().toList();
      if (children.stream()
          .anyMatch(p -> p.info().commandLine().map(c -> c.contains("sleep 300")).orElse(false))) {
        return children;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the workload's processes did not start within 30 s; " + log());
  }

  private static void assertGone(List<ProcessHandle> processes) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (processes.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(processes).as("the workload's processes").noneMatch(ProcessHandle::isAlive);
  }

  private Process startWorker() throws IOException {
    return startWorker(Map.of());
  }

  private Process startWorker(Map<String, String> env) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    ProcessBuilder builder =
        new ProcessBuilder(
                java,
                "-Dferry.taskWatchLevel=TRACE",
                "-cp",
                classpath,
                ExternalWorkerMain.class.getName())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("worker.log").toFile());
    builder.environment().put("FERRY_TASK_QUEUE", RUN_QUEUE);
    builder.environment().put("FERRY_IDLE_TIMEOUT", "PT30S");
    builder.environment().put("TEMPORAL_ADDRESS", "localhost:" + port);
    builder.environment().putAll(env);
    return builder.start();
  }

  private String log() throws IOException {
    return "worker output:\n" + Files.readString(dir.resolve("worker.log"));
  }

  private WorkflowStub start(PrimesInput input) {
    return start("primes", input);
  }

  private WorkflowStub start(String workload, Record input) {
    WorkflowStub stub =
        client.newUntypedWorkflowStub(
            "OneWorkloadWorkflow",
            WorkflowOptions.newBuilder().setTaskQueue(WORKFLOW_QUEUE).build());
    stub.start(RUN_QUEUE, new WorkloadTask(workload, JSON.valueToTree(input), null, 1));
    return stub;
  }

  /** Waits until the worker has logged the text. */
  private void awaitLog(String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (log().contains(text)) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the worker did not log '" + text + "' within 30 s; " + log());
  }

  private PendingActivityInfo awaitHeartbeat(WorkflowStub run) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      Optional<PendingActivityInfo> pending = pendingActivities(run).stream().findFirst();
      if (pending.isPresent() && pending.get().hasHeartbeatDetails()) {
        return pending.get();
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no heartbeat within 30 s; " + log());
  }

  private PendingActivityInfo pendingActivity(WorkflowStub run) {
    List<PendingActivityInfo> pending = pendingActivities(run);
    assertThat(pending).hasSize(1);
    return pending.getFirst();
  }

  private List<PendingActivityInfo> pendingActivities(WorkflowStub run) {
    return stubs
        .blockingStub()
        .describeWorkflowExecution(
            DescribeWorkflowExecutionRequest.newBuilder()
                .setNamespace(client.getOptions().getNamespace())
                .setExecution(
                    WorkflowExecution.newBuilder()
                        .setWorkflowId(run.getExecution().getWorkflowId()))
                .build())
        .getPendingActivitiesList();
  }

  private static Progress progressOf(PendingActivityInfo pending) {
    assertThat(pending.hasHeartbeatDetails()).as("the server holds a heartbeat").isTrue();
    return DataConverter.getDefaultInstance()
        .fromPayloads(
            0,
            Optional.of(pending.getHeartbeatDetails()),
            WorkloadHeartbeat.class,
            WorkloadHeartbeat.class)
        .progress();
  }

  /** As the worker logs the heartbeat the shell workload makes with this progress. */
  private static String heartbeatOf(Progress progress) {
    return new WorkloadHeartbeat(progress, null).toString();
  }
}
