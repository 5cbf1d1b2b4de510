package dev.ferry.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.external.WorkloadRunner;
import java.util.concurrent.CountDownLatch;

/**
 * Wraps a real workload so that it stops dead after some checkpoints, as a worker on crashed or
 * partitioned compute would: no more heartbeats, no result. Its thread ends when the compute is
 * stopped (its worker shut down, which interrupts it), and not before.
 */
final class FreezingWorkload<I> implements WorkloadRunner<I> {

  private final WorkloadRunner<I> real;
  private final int checkpointsBeforeFreezing;
  private final CountDownLatch frozen;

  FreezingWorkload(WorkloadRunner<I> real, int checkpointsBeforeFreezing, CountDownLatch frozen) {
    this.real = real;
    this.checkpointsBeforeFreezing = checkpointsBeforeFreezing;
    this.frozen = frozen;
  }

  @SuppressWarnings("unchecked")
  static FreezingWorkload<?> wrap(WorkloadRunner<?> real, int checkpoints, CountDownLatch frozen) {
    return new FreezingWorkload<>((WorkloadRunner<Object>) real, checkpoints, frozen);
  }

  @Override
  public String id() {
    return real.id();
  }

  @Override
  public I parseInput(JsonNode input) {
    return real.parseInput(input);
  }

  @Override
  public JsonNode run(I input, JsonNode checkpoint, dev.ferry.external.HeartbeatReporter heartbeat)
      throws Exception {
    int[] reported = {0};
    return real.run(
        input,
        checkpoint,
        (progress, next) -> {
          heartbeat.report(progress, next);
          if (next != null && ++reported[0] >= checkpointsBeforeFreezing) {
            frozen.countDown();
            freeze();
          }
        });
  }

  /**
   * Blocks as a hung worker would, until the compute is stopped: stopping a stand-in compute
   * interrupts its workload threads, and this one then ends.
   */
  private static void freeze() {
    try {
      new CountDownLatch(1).await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("the compute was stopped while its workload was frozen", e);
    }
  }
}
