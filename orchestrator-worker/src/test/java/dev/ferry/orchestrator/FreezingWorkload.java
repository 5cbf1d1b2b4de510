package dev.ferry.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.external.WorkloadRunner;
import java.util.concurrent.CountDownLatch;

/**
 * Wraps a real workload so that it stops dead after some checkpoints, as a worker on crashed or
 * partitioned compute would: no more heartbeats, no result. Its thread wakes only when the compute
 * is torn down.
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

  private static final CountDownLatch RELEASED = new CountDownLatch(1);

  /** Lets every frozen workload thread end; what it reports then arrives too late to count. */
  static void releaseAll() {
    RELEASED.countDown();
  }

  private static void freeze() {
    boolean interrupted = false;
    while (RELEASED.getCount() > 0) {
      try {
        RELEASED.await();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    throw new IllegalStateException("released after the test");
  }
}
