package dev.ferry.api;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Heartbeat details of the workload activity: progress for people, a checkpoint to resume from.
 *
 * @param progress how far it is
 * @param checkpoint workload-specific state to resume from; null when there is none yet
 */
public record WorkloadHeartbeat(Progress progress, JsonNode checkpoint) {

  public WorkloadHeartbeat {
    // JSON null arrives as a NullNode; absent means absent.
    checkpoint = checkpoint == null || checkpoint.isNull() ? null : checkpoint;
  }
}
