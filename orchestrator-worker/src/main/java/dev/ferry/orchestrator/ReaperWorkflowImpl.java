package dev.ferry.orchestrator;

import dev.ferry.api.ComputeActivities;
import dev.ferry.api.FailureTypes;
import dev.ferry.api.ReapCandidate;
import dev.ferry.api.ReapReason;
import dev.ferry.api.ReaperActivities;
import dev.ferry.api.ReaperState;
import dev.ferry.api.ReaperStatus;
import dev.ferry.api.ReaperSurvey;
import dev.ferry.api.ReaperWorkflow;
import dev.ferry.api.TeardownReceipt;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;

/**
 * Every interval, on a durable timer: surveys the providers and removes what the survey condemned,
 * each removal logged with the run it belonged to. Continues as new after {@code roundsPerRun}
 * rounds (or when Temporal suggests it), carrying its counts, so its history stays short. Uses
 * neither Schedules nor visibility queries, so it runs on the test server too.
 */
public class ReaperWorkflowImpl implements ReaperWorkflow {

  private static final Logger log = Workflow.getLogger(ReaperWorkflowImpl.class);

  private ReaperStatus status = ReaperStatus.NONE;

  @Override
  public void run(ReaperState state) {
    status = state.status();
    ReaperActivities surveyor =
        Workflow.newActivityStub(
            ReaperActivities.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofMinutes(2))
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(3).build())
                .build());
    // A removal that keeps failing is left to the next round rather than holding this one up.
    ComputeActivities remover =
        Workflow.newActivityStub(
            ComputeActivities.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofMinutes(5))
                .setRetryOptions(
                    RetryOptions.newBuilder()
                        .setMaximumAttempts(3)
                        .setDoNotRetry(FailureTypes.COMPUTE_AUTH)
                        .build())
                .build());
    for (int round = 1; round <= state.roundsPerRun(); round++) {
      reap(surveyor, remover);
      Workflow.sleep(state.interval());
      if (Workflow.getInfo().isContinueAsNewSuggested()) {
        break;
      }
    }
    Workflow.continueAsNew(state.withStatus(status));
  }

  @Override
  public ReaperStatus status() {
    return status;
  }

  private void reap(ReaperActivities surveyor, ComputeActivities remover) {
    ReaperSurvey survey;
    try {
      survey = surveyor.survey();
    } catch (ActivityFailure e) {
      log.warn("reaper: could not survey the providers, trying again next round: {}", e.getCause());
      status = next(0, 0, 0, List.of("survey failed: " + e.getCause().getMessage()));
      return;
    }
    survey.unreachable().forEach(p -> log.warn("reaper: could not list {}; next round", p));
    List<Promise<TeardownReceipt>> removals = new ArrayList<>();
    for (ReapCandidate candidate : survey.candidates()) {
      removals.add(Async.function(remover::deprovision, candidate.handle()));
    }
    long closed = 0;
    long expired = 0;
    long failed = 0;
    for (int i = 0; i < removals.size(); i++) {
      ReapCandidate candidate = survey.candidates().get(i);
      try {
        TeardownReceipt receipt = removals.get(i).get();
        log.info(
            "reaper: removed {} on {} of run {} / {} ({}){}",
            candidate.handle().name(),
            candidate.handle().provider(),
            candidate.workflowId(),
            candidate.runId(),
            candidate.reason() == ReapReason.RUN_CLOSED ? "run closed" : "lease expired",
            receipt.found() ? "" : ", already gone");
        if (candidate.reason() == ReapReason.RUN_CLOSED) {
          closed++;
        } else {
          expired++;
        }
      } catch (ActivityFailure e) {
        failed++;
        log.warn(
            "reaper: could not remove {} on {} of run {} / {}, trying again next round: {}",
            candidate.handle().name(),
            candidate.handle().provider(),
            candidate.workflowId(),
            candidate.runId(),
            e.getCause());
      }
    }
    status = next(closed, expired, failed, survey.unreachable());
  }

  private ReaperStatus next(long closed, long expired, long failed, List<String> unreachable) {
    return new ReaperStatus(
        status.rounds() + 1,
        status.reapedRunClosed() + closed,
        status.reapedLeaseExpired() + expired,
        status.failedRemovals() + failed,
        Instant.ofEpochMilli(Workflow.currentTimeMillis()),
        unreachable);
  }
}
