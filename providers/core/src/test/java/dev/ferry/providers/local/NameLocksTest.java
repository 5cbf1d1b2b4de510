package dev.ferry.providers.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class NameLocksTest {

  @Test
  void oneNameIsNeverHeldTwiceAtOnceAndItsLockGoesWhenUnused() throws Exception {
    NameLocks locks = new NameLocks();
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger mostInside = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < 2_000; i++) {
        done.add(
            pool.submit(
                () ->
                    locks.with(
                        "one-name",
                        () -> {
                          mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                          Thread.yield();
                          inside.decrementAndGet();
                          return null;
                        })));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(mostInside.get()).as("holders of one name at once").isEqualTo(1);
    assertThat(locks.inUse()).as("names still holding a lock entry").isZero();
  }

  @Test
  void differentNamesDoNotWaitForEachOther() throws Exception {
    NameLocks locks = new NameLocks();
    String inner = locks.with("a", () -> locks.with("b", () -> "both held"));
    assertThat(inner).isEqualTo("both held");
    assertThat(locks.inUse()).isZero();
  }
}
