package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.api.AttemptOutcome;
import dev.ferry.api.AttemptSummary;
import dev.ferry.api.PrimesOutput;
import dev.ferry.api.ReaperWorkflow;
import dev.ferry.api.RunResult;
import dev.ferry.api.RunWorkflow;
import dev.ferry.providers.FaultReport;
import dev.ferry.providers.Infrastructure;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.WorkflowStub;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ferry server} with no TEMPORAL_ADDRESS, as an OS process running its own Temporal dev
 * server with its state in a data directory of the test's own (never the user's, never the default
 * ports): a run started before a stop, a {@code kill -9} of the server, or a {@code kill -9} of the
 * server and its dev server, is still known after a restart and completes on the {@code local}
 * provider, with never more than one live worker at a time and nothing left at the end. The worker
 * is frozen across each restart, so the run is mid-way whatever the machine's speed.
 */
@Tag("fault")
class PersistentServerIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final long BELOW = 10_000_000_000L;

  /** π(10^10), from published tables. */
  static final long PRIMES_BELOW = 455_052_511L;

  /** Longer than the worker stays frozen: the run is meant to go on on the same compute. */
  static final Duration HEARTBEAT = Duration.ofMinutes(3);

  private static final String STARTED = "ferry server: Temporal dev server on";
  private static final String ADOPTED = "ferry server: adopted the Temporal dev server";
  private static final String SERVING = "HTTP API on";

  @TempDir Path dir;
  private Path cli;
  private int port;
  private int uiPort;
  private Process first;

  @BeforeEach
  void needsTheCli() {
    Optional<Path> found = TemporalDevServer.cli();
    Infrastructure.require(
        "the Temporal CLI (temporal server start-dev; PATH or "
            + TemporalDevServer.CLI_VARIABLE
            + ")",
        found.isPresent());
    cli = found.get();
  }

  @Test
  void aRunStartedBeforeAStopCompletesAfterARestart() throws Exception {
    long start = System.nanoTime();
    try (FerryProcesses ferry = startFirstServer()) {
      Process first = running(ferry);
      try (LiveComputeSampler sampler = new LiveComputeSampler(ferry)) {
        RunWorkflow run = LongPrimesRun.start(ferry.client(), "stop-test", HEARTBEAT, BELOW);
        LongPrimesRun.awaitCheckpoint(ferry.client(), "stop-test");
        long workerPid = Long.parseLong(run.status().compute().resourceId());
        FrozenCompute worker = FrozenCompute.process(workerPid);
        long devServer = devServerPid(ferry);

        first.destroy();
        assertThat(first.waitFor(1, TimeUnit.MINUTES)).as("ferry server stops on SIGTERM").isTrue();
        FerryProcesses.assertGone(devServer);
        assertThat(ferry.dataDir().resolve(DevServerRecord.FILE)).doesNotExist();
        assertThat(ferry.dataDir().resolve("temporal.db")).isNotEmptyFile();

        startServer(ferry, "second.log", STARTED);
        worker.thaw();
        RunResult result = WorkflowStub.fromTyped(run).getResult(RunResult.class);

        recordAndAssertNothingLeft(
            ferry, sampler, result, "server-stopped", "SIGTERM of ferry server", start);
        assertCompletedOnOneCompute(result, workerPid);
      }
    }
  }

  @Test
  void aKilledServerAdoptsItsDevServerAndTheRunCompletes() throws Exception {
    long start = System.nanoTime();
    try (FerryProcesses ferry = startFirstServer()) {
      Process first = running(ferry);
      try (LiveComputeSampler sampler = new LiveComputeSampler(ferry)) {
        RunWorkflow run = LongPrimesRun.start(ferry.client(), "adopt-test", HEARTBEAT, BELOW);
        LongPrimesRun.awaitCheckpoint(ferry.client(), "adopt-test");
        long workerPid = Long.parseLong(run.status().compute().resourceId());
        FrozenCompute worker = FrozenCompute.process(workerPid);
        long devServer = devServerPid(ferry);

        first.destroyForcibly();
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(ProcessHandle.of(devServer).map(ProcessHandle::isAlive).orElse(false))
            .as("the dev server outlives a killed ferry server")
            .isTrue();
        startServer(ferry, "second.log", ADOPTED);
        assertThat(ferry.log("second.log")).contains("(process " + devServer + ")");
        worker.thaw();
        RunResult result = WorkflowStub.fromTyped(run).getResult(RunResult.class);

        recordAndAssertNothingLeft(
            ferry, sampler, result, "server-killed", "kill -9 of ferry server", start);
        assertCompletedOnOneCompute(result, workerPid);
        assertEverythingIsInFerrysOwnNamespace(ferry, "adopt-test");
      }
    }
  }

  @Test
  void aKilledServerAndDevServerRestartAndTheRunCompletesFromPersistedState() throws Exception {
    long start = System.nanoTime();
    try (FerryProcesses ferry = startFirstServer()) {
      Process first = running(ferry);
      try (LiveComputeSampler sampler = new LiveComputeSampler(ferry)) {
        RunWorkflow run = LongPrimesRun.start(ferry.client(), "crash-test", HEARTBEAT, BELOW);
        LongPrimesRun.awaitCheckpoint(ferry.client(), "crash-test");
        long workerPid = Long.parseLong(run.status().compute().resourceId());
        FrozenCompute worker = FrozenCompute.process(workerPid);
        long devServer = devServerPid(ferry);

        first.destroyForcibly();
        ProcessHandle.of(devServer).ifPresent(ProcessHandle::destroyForcibly);
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        awaitGone(devServer);
        startServer(ferry, "second.log", STARTED);
        worker.thaw();
        RunResult result = WorkflowStub.fromTyped(run).getResult(RunResult.class);

        recordAndAssertNothingLeft(
            ferry,
            sampler,
            result,
            "server-and-temporal-killed",
            "kill -9 of ferry server and of its Temporal dev server",
            start);
        assertThat(JSON.treeToValue(result.output(), PrimesOutput.class).count())
            .isEqualTo(PRIMES_BELOW);
        assertThat(result.attempts().getLast().outcome()).isEqualTo(AttemptOutcome.SUCCEEDED);
        for (AttemptSummary attempt : result.attempts()) {
          FerryProcesses.assertGone(Long.parseLong(attempt.compute().resourceId()));
        }
      }
    }
  }

  @Test
  void aSecondServerOnTheSameDataDirectoryIsRefused() throws Exception {
    try (FerryProcesses ferry = startFirstServer()) {
      running(ferry);
      Map<String, String> env = env();
      env.put("FERRY_TEMPORAL_PORT", String.valueOf(FerryProcesses.freePort()));
      env.put("FERRY_TEMPORAL_UI_PORT", String.valueOf(FerryProcesses.freePort()));
      Process second = ferry.startOrchestrator(env, "refused.log");

      assertThat(second.waitFor(1, TimeUnit.MINUTES)).isTrue();
      assertThat(second.exitValue()).isEqualTo(2);
      assertThat(ferry.log("refused.log"))
          .contains("another ferry server", "TEMPORAL_ADDRESS", "FERRY_DATA_DIR");
    }
  }

  @Test
  void aTakenTemporalPortIsNamedWithTheVariableThatMovesIt() throws Exception {
    try (FerryProcesses ferry = new FerryProcesses(dir, "127.0.0.1:1");
        ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      port = taken.getLocalPort();
      uiPort = FerryProcesses.freePort();
      Process server = ferry.startOrchestrator(env(), "taken.log");

      assertThat(server.waitFor(1, TimeUnit.MINUTES)).isTrue();
      assertThat(server.exitValue()).isEqualTo(2);
      assertThat(ferry.log("taken.log"))
          .contains("port " + port + " is in use", "FERRY_TEMPORAL_PORT", "TEMPORAL_ADDRESS");
      assertThat(ferry.dataDir().resolve(DevServerRecord.FILE)).doesNotExist();
    }
  }

  /**
   * The first server, on ports picked free; another process may take one before the dev server
   * binds it, and the server then exits 2 naming the port: it is started again on others.
   */
  /**
   * The run (its orchestrator workflow and its worker's activity, which completed) and the reaper
   * live in the namespace {@code ferry}, which the dev server registered; {@code default} holds
   * neither; and the CLI, given no TEMPORAL_ADDRESS, finds the run there.
   */
  private void assertEverythingIsInFerrysOwnNamespace(FerryProcesses ferry, String workflowId) {
    assertThat(ferry.client().getOptions().getNamespace()).isEqualTo("ferry");
    assertThat(ferry.log("first.log")).contains("namespace ferry");
    assertThat(describe(ferry, "ferry", ReaperWorkflow.ID).getWorkflowExecutionInfo().getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
    assertThat(describe(ferry, "ferry", workflowId).getWorkflowExecutionInfo().getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
    for (String id : new String[] {workflowId, ReaperWorkflow.ID}) {
      assertThatThrownBy(() -> describe(ferry, "default", id))
          .as("%s in namespace default", id)
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }
    FerryProcesses.Finished status = ferry.cli("status", workflowId, "--json");
    assertThat(status.exitCode()).as(status.stderr()).isZero();
    assertThat(status.stdout()).contains("SUCCEEDED");
  }

  private static DescribeWorkflowExecutionResponse describe(
      FerryProcesses ferry, String namespace, String workflowId) {
    return ferry
        .client()
        .getWorkflowServiceStubs()
        .blockingStub()
        .describeWorkflowExecution(
            DescribeWorkflowExecutionRequest.newBuilder()
                .setNamespace(namespace)
                .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                .build());
  }

  private FerryProcesses startFirstServer() throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      port = FerryProcesses.freePort();
      uiPort = FerryProcesses.freePort();
      FerryProcesses ferry = new FerryProcesses(dir, "127.0.0.1:" + port);
      Process server = ferry.startOrchestrator(env(), "first.log");
      if (awaitLine(ferry, server, "first.log", SERVING)) {
        first = server;
        return ferry;
      }
      String log = ferry.log("first.log");
      try {
        ferry.close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      if (attempt >= FerryProcesses.PORT_ATTEMPTS || !log.contains("is in use")) {
        throw new AssertionError("ferry server did not start: " + log);
      }
    }
  }

  private Process running(FerryProcesses ferry) {
    assertThat(ferry.log("first.log")).contains(STARTED + " 127.0.0.1:" + port, "Web UI");
    return first;
  }

  private void startServer(FerryProcesses ferry, String logName, String expected)
      throws InterruptedException {
    Process server = ferry.startOrchestrator(env(), logName);
    assertThat(awaitLine(ferry, server, logName, SERVING))
        .as("ferry server restarts: %s", ferry.log(logName))
        .isTrue();
    assertThat(ferry.log(logName)).contains(expected);
  }

  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("TEMPORAL_ADDRESS", "");
    env.put("FERRY_TEMPORAL_CLI", cli.toString());
    env.put("FERRY_TEMPORAL_PORT", String.valueOf(port));
    env.put("FERRY_TEMPORAL_UI_PORT", String.valueOf(uiPort));
    return env;
  }

  /** Whether the line shows up in the log before the process exits. */
  private static boolean awaitLine(
      FerryProcesses ferry, Process process, String logName, String line)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (!ferry.log(logName).contains(line)) {
      if (process.waitFor(100, TimeUnit.MILLISECONDS)) {
        return ferry.log(logName).contains(line);
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no '" + line + "' within 2 minutes: " + ferry.log(logName));
      }
    }
    return true;
  }

  private static long devServerPid(FerryProcesses ferry) {
    Optional<DevServerRecord> record = DevServerRecord.read(ferry.dataDir());
    assertThat(record).as("the dev server's pid file").isPresent();
    assertThat(record.get().liveProcess()).as("the dev server runs").isPresent();
    return record.get().pid();
  }

  private static void awaitGone(long pid) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("process " + pid + " survived SIGKILL for 30 s");
      }
      Thread.sleep(50);
    }
  }

  private static void assertCompletedOnOneCompute(RunResult result, long workerPid)
      throws Exception {
    assertThat(JSON.treeToValue(result.output(), PrimesOutput.class).count())
        .isEqualTo(PRIMES_BELOW);
    assertThat(result.attempts())
        .extracting(AttemptSummary::outcome)
        .containsExactly(AttemptOutcome.SUCCEEDED);
    assertThat(result.attempts().getFirst().teardown().found()).isTrue();
    FerryProcesses.assertGone(workerPid);
  }

  /** Records the scenario's outcome for docs/reliability.md, then asserts nothing was left. */
  static void recordAndAssertNothingLeft(
      FerryProcesses ferry,
      LiveComputeSampler sampler,
      RunResult result,
      String scenario,
      String fault,
      long start)
      throws Exception {
    sampler.close();
    boolean completed =
        JSON.treeToValue(result.output(), PrimesOutput.class).count() == PRIMES_BELOW
            && result.attempts().getLast().outcome() == AttemptOutcome.SUCCEEDED;
    int leftRecords = ferry.localResources().size();
    long leftWorkers =
        ferry.processesInDirectory().stream()
            .filter(p -> FerryProcesses.runs(p, FerryProcesses.WORKER_JAR))
            .count();
    FaultReport.record(
        new FaultReport.Outcome(
            scenario,
            "local",
            fault,
            1,
            1,
            completed ? 1 : 0,
            leftRecords + (int) leftWorkers,
            null,
            FerryProcesses.since(start)));
    assertThat(sampler.samples()).as("samples taken").isPositive();
    assertThat(sampler.maxWorkers()).as("live workers at once").isLessThanOrEqualTo(1);
    assertThat(sampler.maxRecords()).as("resource records at once").isLessThanOrEqualTo(1);
    assertThat(leftRecords).as("resource records left").isZero();
    assertThat(leftWorkers).as("workers left").isZero();
  }
}
