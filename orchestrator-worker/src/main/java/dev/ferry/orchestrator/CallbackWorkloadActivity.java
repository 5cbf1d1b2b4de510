package dev.ferry.orchestrator;

import dev.ferry.api.WorkloadActivity;
import dev.ferry.api.WorkloadResult;
import dev.ferry.api.WorkloadTask;
import io.temporal.activity.Activity;

/**
 * The workload activity of a callback-mode run, taken by the orchestrator: it returns at once
 * without completing, and the compute completes it later through {@code POST /callbacks/{token}}.
 * Its heartbeat timeout still applies, so a compute that goes silent is presumed lost.
 */
final class CallbackWorkloadActivity implements WorkloadActivity {

  @Override
  public WorkloadResult run(WorkloadTask task) {
    Activity.getExecutionContext().doNotCompleteOnReturn();
    return null;
  }
}
