package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.api.ComputeHandle;
import dev.ferry.api.ComputeSpec;
import dev.ferry.api.Labels;
import dev.ferry.api.ProvisionRequest;
import dev.ferry.api.ReaperState;
import dev.ferry.api.ReaperStatus;
import dev.ferry.api.ReaperWorkflow;
import dev.ferry.api.RunTimeouts;
import dev.ferry.api.TaskQueues;
import dev.ferry.providers.ComputeProvider;
import dev.ferry.providers.FaultReport;
import dev.ferry.providers.LabelSelector;
import dev.ferry.providers.ProviderRegistry;
import dev.ferry.providers.awsbatch.AwsBatchProviderFactory;
import dev.ferry.providers.awsbatch.MotoServer;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.JobStatus;

/**
 * The reaper against a real cloud API's emulator: a run provisions a Batch job on moto through the
 * production provision activity and is terminated while the job runs (no teardown happens then);
 * the reaper, on Temporal's test server in real time with the real {@code aws-batch} provider, ends
 * the job in its first round after the termination (the latency includes the provider's exit grace
 * for a running job, 15 s by default). Records the reap latency in a {@link FaultReport}.
 */
@Tag("fault")
class BatchReaperTest {

  /** A run that provisions its compute as a run does, then works on it until it is terminated. */
  @WorkflowInterface
  public interface ProvisionThenWait {
    @WorkflowMethod
    void run(ComputeSpec spec);
  }

  public static class ProvisionThenWaitImpl implements ProvisionThenWait {
    @Override
    public void run(ComputeSpec spec) {
      WorkflowInfo info = Workflow.getInfo();
      Instant lease = Instant.ofEpochMilli(Workflow.currentTimeMillis()).plus(Duration.ofHours(1));
      RunStubs.forRun(TIMEOUTS)
          .provisioner()
          .provision(
              new ProvisionRequest(
                  ComputeNames.resourceName(info.getWorkflowId(), info.getRunId(), 1),
                  ComputeNames.taskQueue(info.getWorkflowId(), info.getRunId(), 1),
                  spec,
                  Map.of(
                      Labels.MANAGED, "true",
                      Labels.WORKFLOW_ID, info.getWorkflowId(),
                      Labels.RUN_ID, info.getRunId(),
                      Labels.ATTEMPT, "1",
                      Labels.LEASE_EXPIRES, lease.toString()),
                  lease,
                  TIMEOUTS));
      Workflow.await(() -> false);
    }
  }

  private static final RunTimeouts TIMEOUTS =
      new RunTimeouts(Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ofSeconds(30));
  private static final Duration INTERVAL = Duration.ofSeconds(5);
  private static final Duration PATIENCE = Duration.ofMinutes(2);
  private static final WorkerEnvironment WORKER_ENV =
      new WorkerEnvironment("127.0.0.1:7233", "default", Map.of());

  private TestWorkflowEnvironment env;
  private AutoCloseable provider;

  @AfterEach
  void stop() throws Exception {
    if (env != null) {
      env.close();
    }
    if (provider != null) {
      provider.close();
    }
  }

  @Test
  void theBatchJobOfATerminatedRunIsEndedInTheReapersNextRound() throws Exception {
    MotoServer moto = MotoServer.get();
    EmulatorFaultsTest.buildSleeper();
    ComputeProvider batch = new AwsBatchProviderFactory().create(moto.env());
    provider = (AutoCloseable) batch;
    WorkflowClient client = startTemporal(batch);
    String workflowId = "reaped-batch-" + UUID.randomUUID();
    LabelSelector ofTheRun = LabelSelector.managed().and(Labels.WORKFLOW_ID, workflowId);

    WorkflowExecution run =
        WorkflowClient.start(
            client.newWorkflowStub(
                    ProvisionThenWait.class,
                    WorkflowOptions.newBuilder()
                        .setTaskQueue(TaskQueues.ORCHESTRATOR)
                        .setWorkflowId(workflowId)
                        .build())
                ::run,
            new ComputeSpec(
                "aws-batch",
                EmulatorFaultsTest.SLEEPER,
                1,
                256,
                null,
                Map.of("FERRY_TASK_QUEUE", "q")));
    await(
        "the run's job to run in moto",
        () -> job(moto, ofTheRun(batch, ofTheRun)) == JobStatus.RUNNING);
    ComputeHandle handle = batch.list(ofTheRun).get(0);
    ReaperWorkflow reaper = startReaper(client);
    // A round that sees the job of the open run keeps it.
    ReaperStatus before = awaitStatus(client, s -> s.rounds() >= 1);
    assertThat(batch.list(ofTheRun))
        .as("jobs of the open run after a reaper round")
        .containsExactly(handle);

    client.newUntypedWorkflowStub(workflowId).terminate("operator, mid-run");
    Instant terminated = Instant.now();
    boolean gone = awaitQuietly(() -> batch.list(ofTheRun).isEmpty());
    Duration latency = Duration.between(terminated, Instant.now());
    ReaperStatus after = reaper.status();
    int leaked = batch.list(ofTheRun).size();
    FaultReport.record(
        new FaultReport.Outcome(
            "run-terminated",
            "aws-batch",
            "workflow terminated mid-run (reaper interval " + INTERVAL.toSeconds() + " s)",
            1,
            1,
            1,
            leaked,
            gone ? latency : null,
            latency));

    assertThat(gone).as("the run's job was ended within " + PATIENCE).isTrue();
    assertThat(after.reapedRunClosed())
        .as("jobs reaped because their run closed")
        .isGreaterThanOrEqualTo(before.reapedRunClosed() + 1);
    // The round under way at the termination may have listed the job before the run closed; the
    // first round that started after it must have reaped it.
    assertThat(after.rounds()).as("rounds completed").isLessThanOrEqualTo(before.rounds() + 2);
    assertThat(job(moto, handle)).as("the job in moto").isEqualTo(JobStatus.FAILED);
    assertThat(leaked).as("jobs of the run left").isZero();
  }

  private WorkflowClient startTemporal(ComputeProvider batch) {
    // Real time: the interval and the latency measured are wall-clock.
    env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
    Worker worker = env.newWorker(TaskQueues.ORCHESTRATOR);
    worker.registerWorkflowImplementationTypes(
        Orchestrator.workflowOptions(), ReaperWorkflowImpl.class, ProvisionThenWaitImpl.class);
    ProviderRegistry providers = ProviderRegistry.of(batch);
    worker.registerActivitiesImplementations(
        new ComputeActivitiesImpl(
            providers, new ComputeDefaults("aws-batch", EmulatorFaultsTest.SLEEPER), WORKER_ENV),
        new ReaperActivitiesImpl(providers, "aws-batch", WORKER_ENV.scope(), Clock.systemUTC()));
    env.start();
    return env.getWorkflowClient();
  }

  private static ReaperWorkflow startReaper(WorkflowClient client) {
    ReaperWorkflow reaper =
        client.newWorkflowStub(
            ReaperWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(ReaperWorkflow.ID)
                .setTaskQueue(TaskQueues.ORCHESTRATOR)
                .build());
    WorkflowClient.start(reaper::run, ReaperState.starting(INTERVAL));
    return client.newWorkflowStub(ReaperWorkflow.class, ReaperWorkflow.ID);
  }

  private static ReaperStatus awaitStatus(
      WorkflowClient client, Predicate<ReaperStatus> condition) {
    ReaperWorkflow reaper = client.newWorkflowStub(ReaperWorkflow.class, ReaperWorkflow.ID);
    ReaperStatus[] last = new ReaperStatus[1];
    await(
        "the reaper's status to meet the condition",
        () -> condition.test(last[0] = reaper.status()));
    return last[0];
  }

  /** The status moto reports for the job, or null before there is one. */
  private static JobStatus job(MotoServer moto, ComputeHandle handle) {
    if (handle == null) {
      return null;
    }
    try (var direct = moto.batch()) {
      List<JobDetail> jobs = direct.describeJobs(r -> r.jobs(handle.resourceId())).jobs();
      return jobs.isEmpty() ? null : jobs.get(0).status();
    }
  }

  private static ComputeHandle ofTheRun(ComputeProvider batch, LabelSelector selector) {
    List<ComputeHandle> handles = batch.list(selector);
    return handles.isEmpty() ? null : handles.get(0);
  }

  private static void await(String what, BooleanSupplier condition) {
    if (!awaitQuietly(condition)) {
      throw new AssertionError("waited " + PATIENCE + " for " + what);
    }
  }

  private static boolean awaitQuietly(BooleanSupplier condition) {
    Instant deadline = Instant.now().plus(PATIENCE);
    while (Instant.now().isBefore(deadline)) {
      if (condition.getAsBoolean()) {
        return true;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    return false;
  }
}
