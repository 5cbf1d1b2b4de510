package dev.ferry.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;

/**
 * A successful run: the workload's output and what every attempt cost.
 *
 * @param workload workload name
 * @param output the workload's output
 * @param resumedFrom the checkpoint the final attempt started from; null if it started fresh
 * @param attempts every attempt, with its teardown receipt
 * @param elapsed wall time from start to the last teardown
 */
public record RunResult(
    String workload,
    JsonNode output,
    JsonNode resumedFrom,
    List<AttemptSummary> attempts,
    Duration elapsed) {

  public RunResult {
    attempts = attempts == null ? List.of() : List.copyOf(attempts);
    resumedFrom = resumedFrom == null || resumedFrom.isNull() ? null : resumedFrom;
  }
}
