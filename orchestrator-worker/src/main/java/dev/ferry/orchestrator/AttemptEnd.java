package dev.ferry.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.AttemptOutcome;
import dev.ferry.api.WorkloadResult;
import io.temporal.failure.ApplicationFailure;

/**
 * How one compute attempt ended, before its teardown: the outcome, and what the run needs next.
 *
 * @param outcome how it ended
 * @param detail a human-readable reason
 * @param result the workload's result, on success
 * @param checkpoint where the next attempt resumes from
 * @param failure what the run fails with, when the outcome ends the run
 */
record AttemptEnd(
    AttemptOutcome outcome,
    String detail,
    WorkloadResult result,
    JsonNode checkpoint,
    ApplicationFailure failure) {

  static AttemptEnd succeeded(WorkloadResult result) {
    return new AttemptEnd(AttemptOutcome.SUCCEEDED, "workload finished", result, null, null);
  }

  /** The compute went away before the workload finished; a fresh compute may resume it. */
  static AttemptEnd lost(AttemptOutcome outcome, String detail, JsonNode checkpoint) {
    return new AttemptEnd(outcome, detail, null, checkpoint, null);
  }

  /** Ends the run: a new compute would not help. */
  static AttemptEnd fatal(AttemptOutcome outcome, ApplicationFailure failure) {
    return new AttemptEnd(outcome, failure.getOriginalMessage(), null, null, failure);
  }

  boolean endsRun() {
    return switch (outcome) {
      case SUCCEEDED, WORKLOAD_FAILED, PROVISION_FAILED, RUN_TIMED_OUT, CANCELLED -> true;
      case COMPUTE_NEVER_STARTED, COMPUTE_LOST -> false;
    };
  }
}
