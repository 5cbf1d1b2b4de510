package dev.ferry.api;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Output of the workload activity.
 *
 * @param output workload-specific output
 * @param resumedFrom the checkpoint this attempt started from; null if it started fresh
 */
public record WorkloadResult(JsonNode output, JsonNode resumedFrom) {

  public WorkloadResult {
    // JSON null arrives as a NullNode; absent means absent.
    resumedFrom = resumedFrom == null || resumedFrom.isNull() ? null : resumedFrom;
  }
}
