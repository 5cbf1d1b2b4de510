package dev.ferry.orchestrator;

import dev.ferry.api.ComputeSpec;
import dev.ferry.api.ConcurrencyLimit;
import dev.ferry.api.ConcurrencyLimitActivities;
import dev.ferry.api.ConcurrencyLimitWorkflow;
import dev.ferry.api.PermitNotice;
import dev.ferry.api.PermitRelease;
import dev.ferry.api.PermitRequest;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.SignalExternalWorkflowException;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;

/**
 * A run's side of its provider's concurrency limit: waits in the provider's queue (a {@link
 * ConcurrencyLimitWorkflow}) until it holds a place, and gives the place back. Runs on the workflow
 * thread; {@link #notice} is the run's signal handler.
 */
final class Admission {

  /** Version of the run workflow that waits for a place before its first provision. */
  static final String CHANGE_ID = "concurrency-limit";

  private static final Logger log = Workflow.getLogger(Admission.class);

  private RunTracker tracker;
  private boolean granted;
  private long lastSequence;

  /** A place held under a limit, or none when the provider has no limit. */
  interface Permit {
    /** Gives the place back; never throws. */
    void release();
  }

  private static final Permit UNLIMITED = () -> {};

  /** Handles the queue's signal: a place, or the grant; late and repeated notices are ignored. */
  void notice(PermitNotice notice) {
    if (granted || notice.sequence() <= lastSequence) {
      return;
    }
    lastSequence = notice.sequence();
    if (notice.granted()) {
      granted = true;
    } else if (tracker != null) {
      tracker.queuePlace(notice.place());
    }
  }

  /**
   * Waits, in phase QUEUED, until the run may provision on the spec's provider.
   *
   * @throws CanceledFailure when the run is cancelled while it waits; it has left the queue then
   */
  Permit acquire(RunStubs stubs, RunTracker runTracker, ComputeSpec spec) {
    if (Workflow.getVersion(CHANGE_ID, Workflow.DEFAULT_VERSION, 1) == Workflow.DEFAULT_VERSION) {
      return UNLIMITED;
    }
    ConcurrencyLimit limit = stubs.inspector().concurrencyLimit(spec);
    if (limit.unlimited()) {
      return UNLIMITED;
    }
    tracker = runTracker;
    tracker.queued(limit.provider(), limit.max(), now());
    WorkflowInfo info = Workflow.getInfo();
    ConcurrencyLimitActivities activities =
        Workflow.newActivityStub(
            ConcurrencyLimitActivities.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofSeconds(30))
                .setScheduleToCloseTimeout(Duration.ofMinutes(10))
                .setRetryOptions(
                    RetryOptions.newBuilder()
                        .setInitialInterval(Duration.ofSeconds(1))
                        .setMaximumInterval(Duration.ofSeconds(10))
                        .build())
                .build());
    // Detached: once asked, the queue must hear of a cancellation through release, in that order.
    Workflow.newDetachedCancellationScope(
            () ->
                activities.requestPermit(
                    new PermitRequest(
                        limit.provider(), limit.max(), info.getWorkflowId(), info.getRunId())))
        .run();
    Permit permit = () -> release(limit.provider(), info.getWorkflowId());
    try {
      Workflow.await(() -> granted);
    } catch (CanceledFailure e) {
      permit.release();
      throw e;
    }
    log.info("holds a place on {} (limit {})", limit.provider(), limit.max());
    tracker.admitted();
    return permit;
  }

  private static void release(String provider, String workflowId) {
    Workflow.newDetachedCancellationScope(
            () -> {
              try {
                Workflow.newExternalWorkflowStub(
                        ConcurrencyLimitWorkflow.class,
                        ConcurrencyLimitWorkflow.workflowId(provider))
                    .release(new PermitRelease(provider, workflowId));
              } catch (SignalExternalWorkflowException e) {
                // The queue itself is gone (terminated by hand): there is no place to give back.
                log.warn("could not give the place on {} back: {}", provider, e.getMessage());
              }
            })
        .run();
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }
}
