package dev.ferry.external;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.Progress;
import dev.ferry.api.WorkloadHeartbeat;
import io.temporal.activity.ActivityExecutionContext;

/** Where a workload reports its progress and the checkpoint a later attempt could resume from. */
@FunctionalInterface
public interface HeartbeatReporter {

  /**
   * Reports progress and a checkpoint; cheap enough to call after every chunk of work.
   *
   * @param checkpoint what a later attempt needs to resume; null when there is nothing to resume
   * @throws io.temporal.client.ActivityCompletionException when the task was cancelled or timed
   *     out: the workload must stop and let it propagate
   */
  void report(Progress progress, JsonNode checkpoint);

  /**
   * Reports as heartbeats of the running activity. The SDK throttles them, so the server sees the
   * latest report within a fraction of the heartbeat timeout, not every one.
   */
  static HeartbeatReporter of(ActivityExecutionContext context) {
    return (progress, checkpoint) -> context.heartbeat(new WorkloadHeartbeat(progress, checkpoint));
  }
}
