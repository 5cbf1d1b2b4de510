package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.api.AttemptOutcome;
import dev.ferry.api.ComputeSpec;
import dev.ferry.api.Labels;
import dev.ferry.api.RunRequest;
import dev.ferry.api.RunResult;
import dev.ferry.api.RunTimeouts;
import dev.ferry.api.RunWorkflow;
import dev.ferry.api.TaskQueues;
import dev.ferry.api.TeardownReceipt;
import dev.ferry.providers.ComputeProvider;
import dev.ferry.providers.FaultInjectingProvider;
import dev.ferry.providers.FaultInjectingProvider.Fault;
import dev.ferry.providers.FaultReport;
import dev.ferry.providers.FlakyProviderFactory;
import dev.ferry.providers.Infrastructure;
import dev.ferry.providers.LabelSelector;
import dev.ferry.providers.ProviderRegistry;
import dev.ferry.providers.docker.DockerProviderFactory;
import dev.ferry.providers.local.LocalProviderFactory;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testserver.TestServer;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Provider faults through the run workflow's real activity retries, on real providers: a {@link
 * FaultInjectingProvider} around the {@code local} or {@code docker} provider fails provisions and
 * deprovisions the two ways a platform's API does (refused with a 503, or done with the answer
 * lost), several times before it lets them through. Each run must complete, and leave nothing of
 * its own behind. Temporal's port-bound test server in real time, so the retry backoff is the one
 * production gets: 3 failures cost 1 + 2 + 4 s.
 */
@Tag("fault")
class ProviderFaultsIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** When the current test began, for its fault report. */
  private long started;

  private static final RunTimeouts TIMEOUTS =
      new RunTimeouts(Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ofSeconds(30));
  private static final int FAILURES = 3;

  @TempDir Path dir;
  private TestServer.PortBoundTestServer server;
  private String address;
  private WorkflowServiceStubs stubs;
  private WorkflowClient client;
  private WorkerFactory factory;
  private AutoCloseable dockerProvider;

  @BeforeEach
  void startTemporal() {
    int port = 0;
    for (int attempt = 0; server == null; attempt++) {
      port = FerryProcesses.freePort();
      try {
        server = TestServer.createPortBoundServer(port, true);
      } catch (RuntimeException taken) {
        if (attempt + 1 >= FerryProcesses.PORT_ATTEMPTS) {
          throw new IllegalStateException("no port the Temporal test server could bind", taken);
        }
      }
    }
    address = "127.0.0.1:" + port;
    stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(address).build());
    client = WorkflowClient.newInstance(stubs);
  }

  @AfterEach
  void stopTemporal() throws InterruptedException {
    if (factory != null) {
      factory.shutdownNow();
      factory.awaitTermination(30, TimeUnit.SECONDS);
    }
    stubs.shutdownNow();
    server.close();
    if (dockerProvider != null) {
      try {
        dockerProvider.close();
      } catch (Exception e) {
        // only its connection to the engine
      }
    }
  }

  private ComputeProvider local() {
    return new LocalProviderFactory()
        .create(
            Map.of(
                "FERRY_LOCAL_WORKER_JAR", FerryProcesses.WORKER_JAR.toString(),
                "FERRY_LOCAL_STATE_DIR", dir.resolve("local-state").toString()));
  }

  private ComputeProvider docker() {
    Infrastructure.require("a Docker engine (docker info)", DockerImages.engineAnswers());
    ComputeProvider docker =
        new DockerProviderFactory().create(Map.of("FERRY_DOCKER_STOP_GRACE", "PT5S"));
    dockerProvider = (AutoCloseable) docker;
    return docker;
  }

  @Test
  void localProvisionsRefusedSeveralTimesThenAcceptedCompleteTheRun() throws Exception {
    started = System.nanoTime();
    var faulty = new FaultInjectingProvider(local()).failProvisions(FAILURES, Fault.REFUSED);
    startOrchestrator(ProviderRegistry.of(faulty), null);

    RunResult result = run("faults-local-refused", null);
    record(
        "faults-local-refused",
        "local",
        "provision refused by the provider, then accepted",
        FAILURES,
        result,
        faulty);

    assertCompletedOnOneCompute(result);
    assertThat(faulty.provisionCalls()).isEqualTo(FAILURES + 1);
    assertNothingLeft(faulty, "faults-local-refused");
  }

  @Test
  void localProvisionsWhoseAnswerIsLostAdoptTheWorkerStartedFirst() throws Exception {
    started = System.nanoTime();
    var faulty = new FaultInjectingProvider(local()).failProvisions(FAILURES, Fault.ANSWER_LOST);
    startOrchestrator(ProviderRegistry.of(faulty), null);

    RunResult result = run("faults-local-lost", null);
    record(
        "faults-local-lost",
        "local",
        "provision done but its answer lost, then retried",
        FAILURES,
        result,
        faulty);

    // Every retry found the worker the first call started: a second worker on the queue would
    // have been left idle, and is looked for below.
    assertCompletedOnOneCompute(result);
    assertThat(faulty.provisionCalls()).isEqualTo(FAILURES + 1);
    assertNothingLeft(faulty, "faults-local-lost");
  }

  @Test
  void localDeprovisionsRefusedSeveralTimesAreRetriedUntilTheWorkerIsGone() throws Exception {
    started = System.nanoTime();
    var faulty = new FaultInjectingProvider(local()).failDeprovisions(FAILURES, Fault.REFUSED);
    startOrchestrator(ProviderRegistry.of(faulty), null);

    RunResult result = run("faults-local-teardown", null);
    record(
        "faults-local-teardown",
        "local",
        "teardown refused by the provider, then accepted",
        FAILURES,
        result,
        faulty);

    assertCompletedOnOneCompute(result);
    TeardownReceipt receipt = result.attempts().getFirst().teardown();
    assertThat(receipt.found()).isTrue();
    assertThat(receipt.exitCode()).isZero();
    assertThat(receipt.detail()).startsWith("gone on teardown attempt " + (FAILURES + 1));
    assertThat(faulty.deprovisionCalls()).isEqualTo(FAILURES + 1);
    assertNothingLeft(faulty, "faults-local-teardown");
  }

  @Test
  void localDeprovisionsWhoseAnswerIsLostEndWithTheWorkerGone() throws Exception {
    started = System.nanoTime();
    var faulty = new FaultInjectingProvider(local()).failDeprovisions(2, Fault.ANSWER_LOST);
    startOrchestrator(ProviderRegistry.of(faulty), null);

    RunResult result = run("faults-local-teardown-lost", null);
    record(
        "faults-local-teardown-lost",
        "local",
        "teardown done but its answer lost, then retried",
        2,
        result,
        faulty);

    assertCompletedOnOneCompute(result);
    TeardownReceipt receipt = result.attempts().getFirst().teardown();
    // The first call removed it; the retries found nothing left, which is what they say.
    assertThat(receipt.found()).isFalse();
    assertThat(receipt.detail()).startsWith("gone on teardown attempt 3");
    assertNothingLeft(faulty, "faults-local-teardown-lost");
  }

  @Test
  void aProviderThatCannotBeMadeAtFirstIsMadeOnARetry() throws Exception {
    started = System.nanoTime();
    var faulty = new FaultInjectingProvider[1];
    var flaky =
        new FlakyProviderFactory("local", 2, () -> faulty[0] = new FaultInjectingProvider(local()));
    startOrchestrator(ProviderRegistry.of(Map.of(), flaky), null);

    RunResult result = run("faults-local-factory", null);
    record(
        "faults-local-factory",
        "local",
        "provider factory failing to reach its platform, then working",
        2,
        result,
        faulty[0]);

    assertCompletedOnOneCompute(result);
    assertThat(flaky.creations()).isEqualTo(3);
    assertNothingLeft(faulty[0], "faults-local-factory");
  }

  @Test
  void dockerProvisionsAndDeprovisionsFailingSeveralTimesStillCompleteAndRemoveTheContainer()
      throws Exception {
    started = System.nanoTime();
    ComputeProvider docker = docker();
    String image = DockerImages.workerImage();
    var faulty =
        new FaultInjectingProvider(docker)
            .failProvisions(FAILURES, Fault.ANSWER_LOST)
            .failDeprovisions(FAILURES, Fault.REFUSED);
    startOrchestrator(ProviderRegistry.of(faulty), image);

    RunResult result = run("faults-docker", image);
    record(
        "faults-docker",
        "docker",
        "provision answer lost, then teardown refused",
        FAILURES * 2,
        result,
        faulty);

    assertCompletedOnOneCompute(result);
    TeardownReceipt receipt = result.attempts().getFirst().teardown();
    assertThat(receipt.found()).isTrue();
    assertThat(receipt.detail()).startsWith("gone on teardown attempt " + (FAILURES + 1));
    assertThat(faulty.provisionCalls()).isEqualTo(FAILURES + 1);
    assertThat(DockerImages.containers(Labels.WORKFLOW_ID + "=faults-docker")).isEmpty();
    assertNothingLeft(faulty, "faults-docker");
  }

  private void startOrchestrator(ProviderRegistry providers, String image) {
    factory = WorkerFactory.newInstance(client);
    Worker worker = factory.newWorker(TaskQueues.ORCHESTRATOR);
    worker.registerWorkflowImplementationTypes(
        Orchestrator.workflowOptions(), RunWorkflowImpl.class);
    worker.registerActivitiesImplementations(
        new ComputeActivitiesImpl(
            providers,
            new ComputeDefaults(providers.ids().getFirst(), image),
            new WorkerEnvironment(address, "default", Map.of())));
    factory.start();
  }

  private RunResult run(String workflowId, String image) {
    RunWorkflow run =
        client.newWorkflowStub(
            RunWorkflow.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(TaskQueues.ORCHESTRATOR)
                .setWorkflowId(workflowId)
                .setWorkflowExecutionTimeout(Duration.ofMinutes(5))
                .build());
    RunRequest request =
        RunRequest.of("primes", JSON.createObjectNode().put("below", 100_000))
            .withTimeouts(TIMEOUTS)
            .withCompute(new ComputeSpec(null, image, 0, 0, null, Map.of()));
    return run.run(request);
  }

  /** Writes the scenario's fault report from what is there now, before the test asserts it. */
  private void record(
      String workflowId,
      String provider,
      String fault,
      int faults,
      RunResult result,
      ComputeProvider faulty) {
    boolean completed =
        result.output().path("count").asLong() == 9_592
            && result.attempts().size() == 1
            && result.attempts().getFirst().outcome() == AttemptOutcome.SUCCEEDED;
    int leaked =
        faulty.list(LabelSelector.managed().and(Labels.WORKFLOW_ID, workflowId)).size()
            + (provider.equals("docker")
                ? DockerImages.containers(Labels.WORKFLOW_ID + "=" + workflowId).size()
                : 0);
    FaultReport.record(
        new FaultReport.Outcome(
            workflowId.replace("faults-", "provider-fault-"),
            provider,
            fault,
            faults,
            1,
            completed ? 1 : 0,
            leaked,
            null,
            FerryProcesses.since(started)));
  }

  private static void assertCompletedOnOneCompute(RunResult result) {
    assertThat(result.output().path("count").asLong()).isEqualTo(9_592);
    assertThat(result.attempts())
        .singleElement()
        .satisfies(a -> assertThat(a.outcome()).isEqualTo(AttemptOutcome.SUCCEEDED));
  }

  /**
   * Nothing of the run is left: the provider lists no resource of it, and no worker process of this
   * test's is alive (a second worker started by a retried provision would idle on).
   */
  private void assertNothingLeft(ComputeProvider provider, String workflowId)
      throws InterruptedException {
    assertThat(provider.list(LabelSelector.managed().and(Labels.WORKFLOW_ID, workflowId)))
        .as("resources of %s", workflowId)
        .isEmpty();
    Instant deadline = Instant.now().plusSeconds(30);
    List<ProcessHandle> workers = localWorkers();
    while (!workers.isEmpty() && Instant.now().isBefore(deadline)) {
      Thread.sleep(100);
      workers = localWorkers();
    }
    assertThat(workers).as("local worker processes still running").isEmpty();
  }

  private static List<ProcessHandle> localWorkers() {
    return ProcessHandle.current()
        .descendants()
        .filter(ProcessHandle::isAlive)
        .filter(p -> FerryProcesses.runs(p, FerryProcesses.WORKER_JAR))
        .toList();
  }
}
