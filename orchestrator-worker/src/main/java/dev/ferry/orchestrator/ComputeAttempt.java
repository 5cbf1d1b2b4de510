package dev.ferry.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.AttemptOutcome;
import dev.ferry.api.AttemptSummary;
import dev.ferry.api.ComputeHandle;
import dev.ferry.api.ComputeReport;
import dev.ferry.api.ComputeState;
import dev.ferry.api.DescribeRequest;
import dev.ferry.api.FailureTypes;
import dev.ferry.api.ProvisionRequest;
import dev.ferry.api.RunTimeouts;
import dev.ferry.api.TeardownReceipt;
import dev.ferry.api.WorkloadActivity;
import dev.ferry.api.WorkloadHeartbeat;
import dev.ferry.api.WorkloadResult;
import dev.ferry.api.WorkloadTask;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;

/**
 * One attempt of a run on one fresh compute: provision, run the workload while watching the
 * compute, and tear the compute down whatever happened. Runs on the workflow thread.
 *
 * <p><b>Event budget.</b> Every look at the compute costs about six history events (a timer, a
 * workflow task, the local activity's marker), so the looks back off: each wait is a tenth of the
 * time already spent in the phase (booting, or running once a worker took the workload), at least
 * {@link #BOOT_POLL} / {@link #RUN_POLL} and at most {@link #MAX_POLL}. A phase of length {@code T}
 * therefore costs about {@code 10 + 24·ln(MAX_POLL/floor) + T/MAX_POLL} looks whatever the workload
 * does: at the bounds of {@link dev.ferry.api.RunTimeouts} (a day of booting, seven days of
 * running) at most {@value #MAX_LOOKS_PER_ATTEMPT} looks, so an attempt of any length stays under
 * {@value #EVENT_BUDGET_PER_ATTEMPT} events (a six-day attempt measured 5,468), and a run of at
 * most {@link dev.ferry.api.RunRequest#MAX_COMPUTE_ATTEMPTS} attempts under 40,000, below
 * Temporal's limit of 50,000 per run. Each look also stores the workload's last heartbeat, so the
 * history's size is about looks × heartbeat size: heartbeat details should stay at a few KiB to
 * keep a week-long attempt far from the 50 MB limit.
 *
 * <p>Backing off costs no safety: once a worker has the workload, the server's heartbeat timeout
 * notices a dead worker without any look; the looks add that a compute its provider reports ended
 * is noticed within {@code MAX_POLL + EXIT_GRACE} even when the heartbeat timeout is longer, and
 * refresh the progress the {@code status} query shows (at most {@code MAX_POLL} old).
 */
final class ComputeAttempt {

  /** How often the compute is looked at at first, while no worker has taken the workload. */
  static final Duration BOOT_POLL = Duration.ofSeconds(2);

  /** How often the compute and the workload's progress are looked at at first, once it runs. */
  static final Duration RUN_POLL = Duration.ofSeconds(10);

  /** The longest wait between two looks at the compute, however long the phase lasts. */
  static final Duration MAX_POLL = Duration.ofMinutes(10);

  /** Each wait is this fraction of the time spent in the phase so far (between the bounds). */
  static final int BACKOFF_DIVISOR = 10;

  /** Most looks one attempt takes at the longest timeouts; proven by {@code PollScheduleTest}. */
  static final int MAX_LOOKS_PER_ATTEMPT = 1_300;

  /** History events one attempt stays under, at about six events a look plus its fixed cost. */
  static final int EVENT_BUDGET_PER_ATTEMPT = 10_000;

  /** How long a workload may take to report its end after its compute was seen to stop. */
  static final Duration EXIT_GRACE = Duration.ofSeconds(10);

  /** Change id of the backed-off looks; runs begun before it keep looking every 2 s / 10 s. */
  static final String BACKOFF_CHANGE = "watch-backoff";

  private static final Logger log = Workflow.getLogger(ComputeAttempt.class);

  private final RunStubs stubs;
  private final RunTracker tracker;
  private final ProvisionRequest request;
  private final WorkloadTask task;
  private final RunTimeouts timeouts;
  private ComputeHandle handle;
  private TeardownReceipt receipt;

  ComputeAttempt(
      RunStubs stubs,
      RunTracker tracker,
      ProvisionRequest request,
      WorkloadTask task,
      RunTimeouts timeouts) {
    this.stubs = stubs;
    this.tracker = tracker;
    this.request = request;
    this.task = task;
    this.timeouts = timeouts;
    this.handle = request.handle();
  }

  /** An attempt after its teardown: how it ended, and its summary with the receipt. */
  record Ended(AttemptEnd end, AttemptSummary summary) {}

  /**
   * Runs the attempt and always tears its compute down; a cancelled run rethrows its {@link
   * CanceledFailure} after the teardown.
   */
  Ended run() {
    tracker.attemptStarted(task.attempt(), handle, now());
    AttemptEnd end;
    try {
      end = provisionAndRun();
    } finally {
      // On every path, cancellation and unexpected failures included.
      receipt = tearDown();
    }
    return new Ended(
        end,
        new AttemptSummary(
            task.attempt(), handle, end.outcome(), end.detail(), receipt, request.spec().image()));
  }

  private AttemptEnd provisionAndRun() {
    ActivityFailure[] provisionFailure = new ActivityFailure[1];
    // Detached: a provision cancelled half-way could still create the resource after the teardown
    // looked for it; letting it finish means the teardown always finds what was made.
    Workflow.newDetachedCancellationScope(
            () -> {
              try {
                handle = stubs.provisioner().provision(request);
              } catch (ActivityFailure e) {
                provisionFailure[0] = e;
              }
            })
        .run();
    if (CancellationScope.current().isCancelRequested()) {
      throw new CanceledFailure("run cancelled while provisioning");
    }
    if (provisionFailure[0] != null) {
      return AttemptEnd.fatal(
          AttemptOutcome.PROVISION_FAILED, provisionFailed(provisionFailure[0]));
    }
    tracker.provisioned(handle, now());
    return runWorkload();
  }

  private AttemptEnd runWorkload() {
    WorkloadActivity workload =
        Workflow.newActivityStub(
            WorkloadActivity.class,
            ActivityOptions.newBuilder()
                .setTaskQueue(request.taskQueue())
                .setScheduleToStartTimeout(timeouts.boot())
                .setStartToCloseTimeout(timeouts.run())
                .setHeartbeatTimeout(timeouts.heartbeat())
                // One attempt per compute: a retry must happen on fresh compute, which the run's
                // attempt loop provides.
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                .setCancellationType(ActivityCancellationType.TRY_CANCEL)
                .build());
    @SuppressWarnings("unchecked")
    Promise<WorkloadResult>[] result = new Promise[1];
    CancellationScope scope =
        Workflow.newCancellationScope(() -> result[0] = Async.function(workload::run, task));
    scope.run();

    JsonNode checkpoint = task.checkpoint();
    boolean started = false;
    boolean backOff =
        Workflow.getVersion(BACKOFF_CHANGE, Workflow.DEFAULT_VERSION, 1)
            != Workflow.DEFAULT_VERSION;
    Instant phaseStart = now();
    while (!Workflow.await(nextLook(backOff, started, phaseStart), result[0]::isCompleted)) {
      Optional<ComputeReport> report = describe();
      if (report.isEmpty()) {
        continue;
      }
      if (!started && report.get().workloadStarted()) {
        started = true;
        phaseStart = now();
      }
      if (started) {
        tracker.workloadStarted(now());
      }
      WorkloadHeartbeat heartbeat = report.get().lastHeartbeat();
      if (heartbeat != null) {
        tracker.progress(heartbeat.progress());
        checkpoint = heartbeat.checkpoint() != null ? heartbeat.checkpoint() : checkpoint;
      }
      ComputeState state = report.get().state();
      // A worker exits right after it reports its result; give that report time to arrive.
      if (state.isTerminal() && !Workflow.await(EXIT_GRACE, result[0]::isCompleted)) {
        scope.cancel("compute ended: " + state);
        log.warn("compute {} ended ({}) before the workload finished", handle.name(), state);
        return AttemptEnd.lost(
            started ? AttemptOutcome.COMPUTE_LOST : AttemptOutcome.COMPUTE_NEVER_STARTED,
            "compute ended before the workload finished: " + state,
            checkpoint);
      }
    }
    try {
      return AttemptEnd.succeeded(result[0].get());
    } catch (ActivityFailure failure) {
      return classify(failure, checkpoint);
    }
  }

  private static Duration nextLook(boolean backOff, boolean started, Instant phaseStart) {
    Duration floor = started ? RUN_POLL : BOOT_POLL;
    return backOff ? wait(floor, Duration.between(phaseStart, now())) : floor;
  }

  /**
   * The wait before the next look at the compute, after {@code inPhase} spent in the phase: a tenth
   * of it, between {@code floor} and {@link #MAX_POLL}.
   */
  static Duration wait(Duration floor, Duration inPhase) {
    Duration grown = inPhase.dividedBy(BACKOFF_DIVISOR);
    if (grown.compareTo(floor) < 0) {
      return floor;
    }
    return grown.compareTo(MAX_POLL) > 0 ? MAX_POLL : grown;
  }

  private AttemptEnd classify(ActivityFailure failure, JsonNode checkpoint) {
    Throwable cause = failure.getCause();
    if (cause instanceof TimeoutFailure timeout) {
      return switch (timeout.getTimeoutType()) {
        case TIMEOUT_TYPE_SCHEDULE_TO_START ->
            AttemptEnd.lost(
                AttemptOutcome.COMPUTE_NEVER_STARTED,
                "no worker took the workload from "
                    + request.taskQueue()
                    + " within the boot timeout of "
                    + timeouts.boot(),
                checkpoint);
        case TIMEOUT_TYPE_HEARTBEAT ->
            AttemptEnd.lost(
                AttemptOutcome.COMPUTE_LOST,
                "the workload stopped heartbeating for " + timeouts.heartbeat(),
                lastCheckpoint(timeout).orElse(checkpoint));
        case TIMEOUT_TYPE_START_TO_CLOSE, TIMEOUT_TYPE_SCHEDULE_TO_CLOSE ->
            AttemptEnd.fatal(
                AttemptOutcome.RUN_TIMED_OUT,
                ApplicationFailure.newNonRetryableFailure(
                    "the workload ran longer than the run timeout of " + timeouts.run(),
                    FailureTypes.RUN_TIMED_OUT));
        default ->
            AttemptEnd.lost(AttemptOutcome.COMPUTE_LOST, timeout.getOriginalMessage(), checkpoint);
      };
    }
    if (cause instanceof ApplicationFailure workloadFailure) {
      return AttemptEnd.fatal(
          AttemptOutcome.WORKLOAD_FAILED,
          ApplicationFailure.newNonRetryableFailureWithCause(
              "workload " + task.workload() + " failed: " + workloadFailure.getOriginalMessage(),
              FailureTypes.WORKLOAD_FAILED,
              workloadFailure));
    }
    if (cause instanceof CanceledFailure && CancellationScope.current().isCancelRequested()) {
      throw new CanceledFailure("run cancelled while the workload ran");
    }
    return AttemptEnd.lost(AttemptOutcome.COMPUTE_LOST, String.valueOf(cause), checkpoint);
  }

  private Optional<JsonNode> lastCheckpoint(TimeoutFailure timeout) {
    if (timeout.getLastHeartbeatDetails().getSize() == 0) {
      return Optional.empty();
    }
    WorkloadHeartbeat heartbeat = timeout.getLastHeartbeatDetails().get(WorkloadHeartbeat.class);
    return Optional.ofNullable(heartbeat.checkpoint());
  }

  /** Looks at the compute; a failed look is not the compute failing, so it only logs. */
  private Optional<ComputeReport> describe() {
    try {
      return Optional.of(
          stubs
              .inspector()
              .describe(
                  new DescribeRequest(
                      handle, Workflow.getInfo().getWorkflowId(), Workflow.getInfo().getRunId())));
    } catch (ActivityFailure e) {
      if (CancellationScope.current().isCancelRequested()) {
        throw new CanceledFailure("run cancelled");
      }
      log.warn("could not describe {}: {}", handle.name(), e.getCause());
      return Optional.empty();
    }
  }

  private TeardownReceipt tearDown() {
    tracker.deprovisioning(now());
    TeardownReceipt[] receipt = new TeardownReceipt[1];
    try {
      Workflow.newDetachedCancellationScope(() -> receipt[0] = stubs.teardown().deprovision(handle))
          .run();
    } catch (ActivityFailure e) {
      throw ApplicationFailure.newNonRetryableFailureWithCause(
          "could not tear down "
              + handle.name()
              + " on "
              + handle.provider()
              + "; the reaper will remove it",
          FailureTypes.TEARDOWN_FAILED,
          e.getCause());
    }
    return receipt[0];
  }

  private static ApplicationFailure provisionFailed(ActivityFailure failure) {
    if (failure.getCause() instanceof ApplicationFailure cause) {
      return ApplicationFailure.newNonRetryableFailureWithCause(
          "could not provision compute: " + cause.getOriginalMessage(), cause.getType(), cause);
    }
    return ApplicationFailure.newNonRetryableFailureWithCause(
        "could not provision compute: " + failure.getCause(),
        FailureTypes.COMPUTE_UNAVAILABLE,
        failure.getCause());
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }
}
