package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.api.ComputeHandle;
import dev.ferry.api.ComputeSpec;
import dev.ferry.api.Labels;
import dev.ferry.api.ProvisionRequest;
import dev.ferry.api.RunTimeouts;
import dev.ferry.api.TaskQueues;
import dev.ferry.api.TeardownReceipt;
import dev.ferry.providers.ComputeProvider;
import dev.ferry.providers.FaultReport;
import dev.ferry.providers.LabelSelector;
import dev.ferry.providers.ProviderRegistry;
import dev.ferry.providers.awsbatch.AwsBatchProviderFactory;
import dev.ferry.providers.awsbatch.MotoServer;
import dev.ferry.providers.digitalocean.AppEmulator;
import dev.ferry.providers.digitalocean.DropletEmulator;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.batch.model.JobStatus;

/**
 * A cloud API's 5xx answers, several in a row, through the run's real provision and teardown
 * activities (their production retry options, on Temporal's test server, whose time skipping sits
 * out the backoff): provisioning ends with exactly one resource, teardown with none. The API is an
 * emulator that fails the first calls of one operation: moto behind a {@link FaultProxy} for {@code
 * aws-batch}, DigitalOcean's scenario server (every request checked by Prism) for {@code
 * do-droplet} and {@code do-app}. Each case records its outcome in a {@link FaultReport} before it
 * asserts.
 */
@Tag("fault")
class EmulatorFaultsTest {

  /** Provision, then tear down, with the stubs a run uses. */
  @WorkflowInterface
  public interface ProvisionThenTeardown {
    @WorkflowMethod
    TeardownReceipt run(ProvisionRequest request);
  }

  public static class ProvisionThenTeardownImpl implements ProvisionThenTeardown {
    @Override
    public TeardownReceipt run(ProvisionRequest request) {
      RunStubs stubs = RunStubs.forRun(request.timeouts());
      ComputeHandle handle = stubs.provisioner().provision(request);
      return stubs.teardown().deprovision(handle);
    }
  }

  private static final RunTimeouts TIMEOUTS =
      new RunTimeouts(Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ofSeconds(30));
  static final String SLEEPER = "ferry-faults-sleeper:local";
  private static final int FAILURES = 3;
  private static final String SCENARIO = "provider-fault-emulator";
  private static final FaultProxy.Failure BATCH_SERVER_ERROR =
      new FaultProxy.Failure(
          500,
          Map.of("x-amzn-ErrorType", "ServerException", "Content-Type", "application/json"),
          "{\"message\":\"injected: internal error\"}");
  private static boolean sleeperBuilt;

  private TestWorkflowEnvironment env;
  private FaultProxy proxy;
  private AutoCloseable provider;

  @AfterEach
  void stop() throws Exception {
    if (env != null) {
      env.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (provider != null) {
      provider.close();
    }
  }

  @Test
  void batchSubmitAndTerminateFailingSeveralTimesEndWithOneJobThenNone() throws Exception {
    MotoServer moto = MotoServer.get();
    buildSleeper();
    proxy =
        new FaultProxy(moto.endpoint())
            .fail("/v1/submitjob", FAILURES, BATCH_SERVER_ERROR)
            .fail("/v1/terminatejob", FAILURES, BATCH_SERVER_ERROR);
    Map<String, String> batchEnv = new HashMap<>(moto.env());
    batchEnv.put("AWS_ENDPOINT_URL_BATCH", proxy.uri().toString());
    // One SDK attempt per call: the activity's retries are the ones under test.
    batchEnv.put("AWS_MAX_ATTEMPTS", "1");
    ComputeProvider batch = new AwsBatchProviderFactory().create(batchEnv);
    provider = (AutoCloseable) batch;
    String workflowId = "faults-batch-" + UUID.randomUUID();

    TeardownReceipt receipt =
        recorded(
            "aws-batch",
            "SubmitJob and TerminateJob answer 500 " + FAILURES + " times each",
            2 * FAILURES,
            () -> batch.list(LabelSelector.managed().and(Labels.WORKFLOW_ID, workflowId)).size(),
            () ->
                provisionThenTeardown(
                    batch,
                    workflowId,
                    new ComputeSpec(
                        "aws-batch", SLEEPER, 1, 256, null, Map.of("FERRY_TASK_QUEUE", "q"))));

    assertThat(proxy.calls("/v1/submitjob")).isEqualTo(FAILURES + 1);
    assertThat(proxy.calls("/v1/terminatejob")).isGreaterThanOrEqualTo(FAILURES + 1);
    assertThat(receipt.found()).isTrue();
    assertThat(receipt.detail()).contains("gone on teardown attempt " + (FAILURES + 1));
    assertThat(batch.list(LabelSelector.managed().and(Labels.WORKFLOW_ID, workflowId)))
        .as("jobs of the run the provider still counts")
        .isEmpty();
    try (var direct = moto.batch()) {
      assertThat(
              direct.listJobs(r -> r.jobQueue(MotoServer.QUEUE)).jobSummaryList().stream()
                  .filter(j -> j.jobName().equals(receipt.name()))
                  .toList())
          .as("jobs of the run in moto")
          .singleElement()
          .satisfies(
              j ->
                  assertThat(j.status())
                      .as("status of the one job submitted")
                      .isIn(JobStatus.FAILED, JobStatus.SUCCEEDED));
    }
  }

  @Test
  void dropletCreateAndDeleteFailingSeveralTimesEndWithOneDropletThenNone() {
    try (DropletEmulator digitalOcean = DropletEmulator.start()) {
      int perCall = 4; // the droplet client's own attempts per call
      digitalOcean
          .failNext("POST", "/v2/droplets", FAILURES * perCall)
          .failNext("DELETE", "/v2/droplets", FAILURES * perCall);
      ComputeProvider droplet = digitalOcean.provider();
      String workflowId = "faults-droplet-" + UUID.randomUUID();

      TeardownReceipt receipt =
          recorded(
              "do-droplet",
              "droplet create and delete answer 500 "
                  + FAILURES * perCall
                  + " times each ("
                  + FAILURES
                  + " activity attempts)",
              2 * FAILURES * perCall,
              digitalOcean::droplets,
              () ->
                  provisionThenTeardown(
                      droplet,
                      workflowId,
                      new ComputeSpec(
                          "do-droplet",
                          DropletEmulator.IMAGE,
                          0,
                          0,
                          null,
                          Map.of("FERRY_TASK_QUEUE", "q"))));

      assertThat(digitalOcean.requests("POST /v2/droplets"))
          .as("droplet creations asked for")
          .isEqualTo(FAILURES * perCall + 1);
      assertThat(receipt.found()).isTrue();
      assertThat(receipt.detail()).contains("gone on teardown attempt " + (FAILURES + 1));
      assertThat(digitalOcean.droplets()).as("droplets left").isZero();
      assertThat(droplet.list(LabelSelector.managed().and(Labels.WORKFLOW_ID, workflowId)))
          .isEmpty();
      assertThat(digitalOcean.violations())
          .as("requests DigitalOcean's specification rejects")
          .isEmpty();
    }
  }

  @Test
  void appCreateAndDeleteFailingSeveralTimesEndWithOneAppThenNone() {
    try (AppEmulator digitalOcean = AppEmulator.start()) {
      int perCall = 4; // the App Platform client's own attempts per call
      digitalOcean
          .failNext("POST", "/v2/apps", FAILURES * perCall)
          .failNext("DELETE", "/v2/apps/", FAILURES * perCall);
      ComputeProvider app = digitalOcean.provider();
      String workflowId = "faults-app-" + UUID.randomUUID();

      TeardownReceipt receipt =
          recorded(
              "do-app",
              "app create and delete answer 500 "
                  + FAILURES * perCall
                  + " times each ("
                  + FAILURES
                  + " activity attempts)",
              2 * FAILURES * perCall,
              digitalOcean::apps,
              () ->
                  provisionThenTeardown(
                      app,
                      workflowId,
                      new ComputeSpec(
                          "do-app",
                          AppEmulator.IMAGE,
                          0,
                          0,
                          null,
                          Map.of("FERRY_TASK_QUEUE", "q"))));

      assertThat(digitalOcean.requests("POST /v2/apps"))
          .as("app creations asked for")
          .isEqualTo(FAILURES * perCall + 1);
      assertThat(digitalOcean.requests("DELETE /v2/apps/"))
          .as("app deletions asked for")
          .isEqualTo(FAILURES * perCall + 1);
      assertThat(receipt.found()).isTrue();
      assertThat(receipt.detail()).contains("gone on teardown attempt " + (FAILURES + 1));
      assertThat(digitalOcean.apps()).as("apps left").isZero();
      assertThat(app.list(LabelSelector.managed().and(Labels.WORKFLOW_ID, workflowId))).isEmpty();
      assertThat(digitalOcean.violations())
          .as("requests DigitalOcean's specification rejects")
          .isEmpty();
    }
  }

  /**
   * Runs the scenario and records its outcome before the caller asserts: one run, completed when
   * the teardown found and removed its resource, {@code leaked} counted afterwards.
   */
  private static TeardownReceipt recorded(
      String provider,
      String fault,
      int faults,
      Supplier<Integer> leaked,
      Supplier<TeardownReceipt> scenario) {
    Instant start = Instant.now();
    TeardownReceipt receipt = null;
    try {
      receipt = scenario.get();
      return receipt;
    } finally {
      FaultReport.record(
          new FaultReport.Outcome(
              SCENARIO,
              provider,
              fault,
              faults,
              1,
              receipt != null && receipt.found() ? 1 : 0,
              leaked.get(),
              null,
              Duration.between(start, Instant.now())));
    }
  }

  private TeardownReceipt provisionThenTeardown(
      ComputeProvider provider, String workflowId, ComputeSpec spec) {
    env = TestWorkflowEnvironment.newInstance();
    Worker worker = env.newWorker(TaskQueues.ORCHESTRATOR);
    worker.registerWorkflowImplementationTypes(ProvisionThenTeardownImpl.class);
    worker.registerActivitiesImplementations(
        new ComputeActivitiesImpl(
            ProviderRegistry.of(provider),
            new ComputeDefaults(provider.id(), spec.image()),
            new WorkerEnvironment("127.0.0.1:7233", "default", Map.of())));
    env.start();
    String name = ComputeNames.resourceName(workflowId, "run", 1);
    ProvisionRequest request =
        new ProvisionRequest(
            name,
            ComputeNames.taskQueue(workflowId, "run", 1),
            spec,
            Map.of(Labels.MANAGED, "true", Labels.WORKFLOW_ID, workflowId, Labels.ATTEMPT, "1"),
            Instant.now().plus(Duration.ofHours(1)),
            TIMEOUTS);
    return env.getWorkflowClient()
        .newWorkflowStub(
            ProvisionThenTeardown.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(TaskQueues.ORCHESTRATOR)
                .setWorkflowId(workflowId)
                .build())
        .run(request);
  }

  /** The image of a job that sleeps until it is ended, built once per test JVM. */
  static synchronized void buildSleeper() {
    if (!sleeperBuilt) {
      MotoServer.buildImage(
          SLEEPER,
          "FROM " + MotoServer.BASE_IMAGE + "\nCMD [\"sh\", \"-c\", \"sleep 300\"]\n",
          Path.of("target"));
      sleeperBuilt = true;
    }
  }
}
