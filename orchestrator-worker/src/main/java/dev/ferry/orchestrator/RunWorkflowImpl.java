package dev.ferry.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.AttemptSummary;
import dev.ferry.api.ComputeSpec;
import dev.ferry.api.ExecutionMode;
import dev.ferry.api.FailureTypes;
import dev.ferry.api.Labels;
import dev.ferry.api.PermitNotice;
import dev.ferry.api.ProvisionRequest;
import dev.ferry.api.RequestBounds;
import dev.ferry.api.RunPhase;
import dev.ferry.api.RunRequest;
import dev.ferry.api.RunResult;
import dev.ferry.api.RunStatus;
import dev.ferry.api.RunWorkflow;
import dev.ferry.api.TaskQueues;
import dev.ferry.api.Workload;
import dev.ferry.api.WorkloadTask;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;

/**
 * Runs a workload on fresh compute, attempt after attempt while the compute is lost, resuming from
 * the last checkpoint; every attempt's compute is torn down before the next one starts.
 */
public class RunWorkflowImpl implements RunWorkflow {

  /** The reaper may remove a resource this long after its run should have ended. */
  static final Duration LEASE_MARGIN = Duration.ofMinutes(10);

  private static final Logger log = Workflow.getLogger(RunWorkflowImpl.class);

  private RunTracker tracker = new RunTracker(now(), 0);
  private final Admission admission = new Admission();

  @Override
  public RunResult run(RunRequest request) {
    tracker = new RunTracker(now(), request.maxComputeAttempts());
    ParentReports.startIfChild(this::status);
    try {
      RunResult result = execute(request);
      tracker.finished(RunPhase.SUCCEEDED, null, now());
      return result;
    } catch (CanceledFailure e) {
      tracker.finished(RunPhase.CANCELLED, "cancelled", now());
      throw e;
    } catch (TemporalFailure e) {
      tracker.finished(RunPhase.FAILED, e.getOriginalMessage(), now());
      throw e;
    } catch (RuntimeException e) {
      // A bug in this code: the attempt's finally has torn its compute down; fail the run rather
      // than retry the workflow task forever (see WorkflowBugs for what still blocks).
      RuntimeException failure = WorkflowBugs.toFailure(e, "run");
      if (failure instanceof TemporalFailure temporal) {
        log.error("run failed on a bug", e);
        tracker.finished(RunPhase.FAILED, temporal.getOriginalMessage(), now());
      }
      throw failure;
    }
  }

  @Override
  public RunStatus status() {
    return tracker.snapshot();
  }

  @Override
  public void permit(PermitNotice notice) {
    admission.notice(notice);
  }

  private RunResult execute(RunRequest request) {
    Instant started = now();
    validate(request);
    RunStubs stubs = RunStubs.forRun(request.timeouts());
    ComputeSpec spec = resolve(stubs, request.compute());
    tracker.imageResolved(spec.image());
    // Held from before the first provision until after the last teardown: attempts follow each
    // other on one place, so a run never has more than one live compute.
    Admission.Permit permit = admission.acquire(stubs, tracker, spec);
    try {
      return runAttempts(request, stubs, spec, started);
    } finally {
      permit.release();
    }
  }

  private RunResult runAttempts(
      RunRequest request, RunStubs stubs, ComputeSpec spec, Instant started) {
    WorkflowInfo info = Workflow.getInfo();
    JsonNode checkpoint = null;
    for (int attempt = 1; attempt <= request.maxComputeAttempts(); attempt++) {
      ComputeAttempt.Ended ended =
          new ComputeAttempt(
                  stubs,
                  tracker,
                  provisionRequest(request, spec, info, attempt),
                  new WorkloadTask(request.workload(), request.input(), checkpoint, attempt),
                  request.timeouts())
              .run();
      tracker.attemptEnded(ended.summary());
      AttemptEnd end = ended.end();
      log.info("attempt {} ended: {} ({})", attempt, end.outcome(), end.detail());
      if (end.failure() != null) {
        throw withAttempts(end.failure());
      }
      if (end.result() != null) {
        return new RunResult(
            request.workload(),
            end.result().output(),
            end.result().resumedFrom(),
            tracker.attempts(),
            Duration.between(started, now()));
      }
      checkpoint = end.checkpoint();
    }
    throw ApplicationFailure.newNonRetryableFailure(
        "compute was lost on all "
            + request.maxComputeAttempts()
            + " attempts: "
            + tracker.attempts().stream()
                .map(a -> "#" + a.number() + " " + a.detail())
                .collect(Collectors.joining("; ")),
        FailureTypes.ATTEMPTS_EXHAUSTED,
        tracker.attempts());
  }

  /**
   * The change id under which {@link RequestBounds} checks a run's request. Runs started before it
   * (no marker in their history) keep the check they started with, so that they replay as they ran;
   * a change to a rule adds a version here and keeps the rules of the versions before it.
   */
  static final String REQUEST_BOUNDS = "request-bounds";

  static final int REQUEST_BOUNDS_VERSION = 1;

  /** Rejects a request no compute could help, before any compute is provisioned. */
  private static void validate(RunRequest request) {
    int rules =
        Workflow.getVersion(REQUEST_BOUNDS, Workflow.DEFAULT_VERSION, REQUEST_BOUNDS_VERSION);
    if (rules == Workflow.DEFAULT_VERSION) {
      validateAsBeforeBounds(request);
      return;
    }
    RequestBounds.violation(Workflow.getInfo().getWorkflowId(), request)
        .ifPresent(
            v -> {
              throw ApplicationFailure.newNonRetryableFailure(
                  v.message(), FailureTypes.INVALID_REQUEST, v.field());
            });
  }

  /** The check of runs started before {@link #REQUEST_BOUNDS}: the workload and its input. */
  private static void validateAsBeforeBounds(RunRequest request) {
    if (request.mode() == ExecutionMode.CALLBACK) {
      return;
    }
    try {
      Workload.parseLenient(request.workload(), request.input());
    } catch (IllegalArgumentException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), FailureTypes.INVALID_REQUEST);
    }
  }

  private static ComputeSpec resolve(RunStubs stubs, ComputeSpec requested) {
    try {
      return stubs.inspector().resolve(requested);
    } catch (ActivityFailure e) {
      if (e.getCause() instanceof ApplicationFailure cause) {
        throw ApplicationFailure.newNonRetryableFailure(
            cause.getOriginalMessage(), cause.getType());
      }
      throw e;
    }
  }

  private ProvisionRequest provisionRequest(
      RunRequest request, ComputeSpec spec, WorkflowInfo info, int attempt) {
    Instant leaseExpires =
        now().plus(request.timeouts().boot()).plus(request.timeouts().run()).plus(LEASE_MARGIN);
    Map<String, String> labels =
        Map.of(
            Labels.MANAGED, "true",
            Labels.WORKFLOW_ID, info.getWorkflowId(),
            Labels.RUN_ID, info.getRunId(),
            Labels.ATTEMPT, String.valueOf(attempt),
            Labels.LEASE_EXPIRES, leaseExpires.toString(),
            Labels.WORKLOAD, request.workload(),
            Labels.TASK_QUEUE,
                ComputeNames.taskQueue(info.getWorkflowId(), info.getRunId(), attempt));
    Map<String, String> env = new HashMap<>(spec.env());
    // A worker that never gets its task must not outlive the run's interest in it.
    env.put("FERRY_IDLE_TIMEOUT", request.timeouts().boot().plus(Duration.ofMinutes(1)).toString());
    boolean callback = request.mode() == ExecutionMode.CALLBACK;
    if (callback) {
      env.put("FERRY_WORKLOAD", request.workload());
      env.put("FERRY_INPUT", request.input().toString());
    }
    return new ProvisionRequest(
        ComputeNames.resourceName(info.getWorkflowId(), info.getRunId(), attempt),
        callback
            ? TaskQueues.CALLBACKS
            : ComputeNames.taskQueue(info.getWorkflowId(), info.getRunId(), attempt),
        spec.withEnv(env),
        labels,
        leaseExpires,
        request.timeouts());
  }

  private ApplicationFailure withAttempts(ApplicationFailure failure) {
    List<AttemptSummary> attempts = tracker.attempts();
    return ApplicationFailure.newNonRetryableFailureWithCause(
        failure.getOriginalMessage(), failure.getType(), failure.getCause(), attempts);
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }
}
