package dev.ferry.external;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.api.PrimesCheckpoint;
import dev.ferry.api.PrimesInput;
import dev.ferry.api.PrimesOutput;
import dev.ferry.api.Progress;
import dev.ferry.api.Workload;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code primes} workload: counts the primes below a bound, one sieve segment per chunk, and
 * checkpoints after every segment so a later attempt resumes where this one stopped.
 */
final class PrimesWorkload implements WorkloadRunner<PrimesInput> {

  private static final Logger log = LoggerFactory.getLogger(PrimesWorkload.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public String id() {
    return Workload.PRIMES.id();
  }

  @Override
  public PrimesInput parseInput(JsonNode input) {
    return Workload.PRIMES.read(input, PrimesInput.class);
  }

  @Override
  public JsonNode run(PrimesInput input, JsonNode checkpoint, HeartbeatReporter heartbeat)
      throws WorkloadFailedException, InterruptedException {
    long below = input.below();
    PrimesCheckpoint start =
        checkpoint == null ? new PrimesCheckpoint(0, 0) : readCheckpoint(checkpoint, below);
    SegmentedSieve sieve = new SegmentedSieve(start.next(), below);
    long count = start.count();
    long startedAt = System.nanoTime();
    while (sieve.hasNext()) {
      // Nothing here blocks, so a worker's shutdownNow is only noticed by looking.
      if (Thread.interrupted()) {
        throw new InterruptedException("interrupted at " + sieve.position());
      }
      count += sieve.countNextSegment();
      long next = sieve.position();
      heartbeat.report(
          new Progress(next, below, count + " primes below " + next),
          JSON.valueToTree(new PrimesCheckpoint(next, count)));
    }
    log.info(
        "{} primes below {} (counted from {} in {} ms)",
        count,
        below,
        start.next(),
        (System.nanoTime() - startedAt) / 1_000_000);
    return JSON.valueToTree(new PrimesOutput(below, count));
  }

  private static PrimesCheckpoint readCheckpoint(JsonNode checkpoint, long below)
      throws WorkloadFailedException {
    PrimesCheckpoint parsed;
    try {
      parsed = JSON.treeToValue(checkpoint, PrimesCheckpoint.class);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new WorkloadFailedException(
          "checkpoint " + checkpoint + " is not a primes checkpoint: " + e.getMessage(), null);
    }
    // count <= next / 2 + 1 holds for every true count, so a larger one is corrupt.
    if (parsed.next() < 0
        || parsed.next() > below
        || parsed.count() < 0
        || parsed.count() > parsed.next() / 2 + 1) {
      throw new WorkloadFailedException(
          "checkpoint " + checkpoint + " does not fit a count of the primes below " + below, null);
    }
    return parsed;
  }
}
