package dev.ferry.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;

/**
 * Everything one run needs; the workflow's only input.
 *
 * @param workload workload name, one of {@link Workload}
 * @param input workload input, a JSON object
 * @param compute where to run it
 * @param timeouts per-attempt limits
 * @param maxComputeAttempts how many fresh computes the run may use before it gives up, at most
 *     {@link #MAX_COMPUTE_ATTEMPTS}
 * @param mode whether the compute is a Temporal worker or reports through callbacks
 * @param costCeilingUsd optional spending limit; null for none
 */
public record RunRequest(
    String workload,
    JsonNode input,
    ComputeSpec compute,
    RunTimeouts timeouts,
    int maxComputeAttempts,
    ExecutionMode mode,
    BigDecimal costCeilingUsd) {

  public static final int DEFAULT_MAX_COMPUTE_ATTEMPTS = 3;

  /**
   * Most computes one run may use: one run's history holds every attempt, and five attempts at the
   * longest {@link RunTimeouts} stay under Temporal's limit of 50,000 events per run.
   */
  public static final int MAX_COMPUTE_ATTEMPTS = 5;

  /**
   * Fills unset fields and holds the request's shape (a named workload, an object for input): what
   * can never change. The bounds are {@link RequestBounds}'s, checked by every entry point and by
   * the workflow behind a version, so that tightening one never makes a recorded run unreadable.
   */
  public RunRequest {
    if (workload == null || workload.isBlank()) {
      throw new IllegalArgumentException("workload must be named");
    }
    if (input == null || input.isNull() || input.isMissingNode()) {
      input = JsonNodeFactory.instance.objectNode();
    }
    if (!input.isObject()) {
      throw new IllegalArgumentException("input must be a JSON object, was " + input.getNodeType());
    }
    compute = compute == null ? ComputeSpec.defaults() : compute;
    timeouts = timeouts == null ? RunTimeouts.defaults() : timeouts;
    if (maxComputeAttempts == 0) {
      maxComputeAttempts = DEFAULT_MAX_COMPUTE_ATTEMPTS;
    }
    mode = mode == null ? ExecutionMode.WORKER : mode;
  }

  /** A request with defaults for everything but the workload and its input. */
  public static RunRequest of(String workload, JsonNode input) {
    return new RunRequest(workload, input, null, null, 0, null, null);
  }

  public RunRequest withCompute(ComputeSpec newCompute) {
    return new RunRequest(
        workload, input, newCompute, timeouts, maxComputeAttempts, mode, costCeilingUsd);
  }

  public RunRequest withTimeouts(RunTimeouts newTimeouts) {
    return new RunRequest(
        workload, input, compute, newTimeouts, maxComputeAttempts, mode, costCeilingUsd);
  }

  public RunRequest withMaxComputeAttempts(int attempts) {
    return new RunRequest(workload, input, compute, timeouts, attempts, mode, costCeilingUsd);
  }
}
