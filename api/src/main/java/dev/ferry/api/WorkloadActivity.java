package dev.ferry.api;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * The heavy, heartbeating activity, executed by the external worker on the run's own task queue.
 */
@ActivityInterface
public interface WorkloadActivity {

  /** Activity type name; the orchestrator looks for it among a run's pending activities. */
  String TYPE = "Workload";

  @ActivityMethod(name = TYPE)
  WorkloadResult run(WorkloadTask task);
}
