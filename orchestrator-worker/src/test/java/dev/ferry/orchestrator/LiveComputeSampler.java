package dev.ferry.orchestrator;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Samples, while a fault test runs, how many local-provider workers of the fixture are alive and
 * how many resource records the provider holds: a run's attempts follow one another, so more than
 * one of either at any moment means an attempt got a second live resource.
 */
final class LiveComputeSampler implements AutoCloseable {

  private final FerryProcesses ferry;
  private final AtomicInteger maxWorkers = new AtomicInteger();
  private final AtomicInteger maxRecords = new AtomicInteger();
  private final AtomicInteger samples = new AtomicInteger();
  private final Thread thread;
  private volatile boolean stopped;

  LiveComputeSampler(FerryProcesses ferry) {
    this.ferry = ferry;
    this.thread = Thread.ofPlatform().daemon().name("live-compute-sampler").start(this::sample);
  }

  private void sample() {
    while (!stopped) {
      int workers =
          (int)
              ferry.processesInDirectory().stream()
                  .filter(p -> FerryProcesses.runs(p, FerryProcesses.WORKER_JAR))
                  .count();
      maxWorkers.accumulateAndGet(workers, Math::max);
      maxRecords.accumulateAndGet(ferry.localResources().size(), Math::max);
      samples.incrementAndGet();
      try {
        TimeUnit.MILLISECONDS.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** The most worker processes alive at once. */
  int maxWorkers() {
    return maxWorkers.get();
  }

  /** The most resource records held at once. */
  int maxRecords() {
    return maxRecords.get();
  }

  int samples() {
    return samples.get();
  }

  @Override
  public void close() throws InterruptedException {
    stopped = true;
    thread.interrupt();
    thread.join(10_000);
  }
}
