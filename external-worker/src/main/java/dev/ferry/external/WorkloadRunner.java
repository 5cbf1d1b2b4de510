package dev.ferry.external;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One kind of workload the external worker can run, found by its id.
 *
 * <p>A runner is shared by every task its worker runs, so it keeps no per-task state in fields.
 *
 * @param <I> the input it reads
 */
public interface WorkloadRunner<I> {

  /** The name a {@code WorkloadTask} uses for this workload, such as {@code primes}. */
  String id();

  /**
   * Reads and checks the task's input.
   *
   * @param input a JSON object, never null
   * @throws IllegalArgumentException saying what is wrong with it
   */
  I parseInput(JsonNode input);

  /**
   * Runs the workload, reporting progress and checkpoints as it goes.
   *
   * @param checkpoint where an earlier attempt got to, as it reported it; null to start afresh
   * @return the workload's output
   * @throws WorkloadFailedException when the workload fails on its own terms
   * @throws io.temporal.client.ActivityCompletionException from {@code heartbeat} when the task is
   *     cancelled: the runner stops its work and lets it propagate
   */
  JsonNode run(I input, JsonNode checkpoint, HeartbeatReporter heartbeat) throws Exception;
}
