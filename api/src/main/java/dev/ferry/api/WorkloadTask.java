package dev.ferry.api;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Input of the workload activity.
 *
 * @param workload workload name
 * @param input workload input
 * @param checkpoint where a previous attempt got to; null to start from the beginning
 * @param attempt which compute attempt this is, 1-based
 */
public record WorkloadTask(String workload, JsonNode input, JsonNode checkpoint, int attempt) {

  public WorkloadTask {
    // JSON null arrives as a NullNode; absent means absent.
    checkpoint = checkpoint == null || checkpoint.isNull() ? null : checkpoint;
  }
}
