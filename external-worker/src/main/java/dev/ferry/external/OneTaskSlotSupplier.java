package dev.ferry.external;

import io.temporal.worker.tuning.ActivitySlotInfo;
import io.temporal.worker.tuning.SlotMarkUsedContext;
import io.temporal.worker.tuning.SlotPermit;
import io.temporal.worker.tuning.SlotReleaseContext;
import io.temporal.worker.tuning.SlotReserveContext;
import io.temporal.worker.tuning.SlotSupplier;
import io.temporal.worker.tuning.SlotSupplierFuture;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;

/**
 * Hands out a single activity slot, and never again once a task has used it, so the worker cannot
 * even poll for a second task.
 *
 * <p>Suspending polling is not enough for that: the SDK's poller reserves a slot before it polls
 * and checks for suspension before it reserves, so a poller already waiting for the slot polls once
 * more as soon as the first task frees it. A poll that brings no task gives the slot back.
 *
 * <p>Thread-safe.
 */
final class OneTaskSlotSupplier implements SlotSupplier<ActivitySlotInfo> {

  private final Queue<CompletableFuture<SlotPermit>> waiting = new ArrayDeque<>();
  private boolean free = true;
  private boolean spent;

  @Override
  public synchronized SlotSupplierFuture reserveSlot(SlotReserveContext<ActivitySlotInfo> ctx) {
    if (takeFreeSlot()) {
      return SlotSupplierFuture.completedFuture(new SlotPermit());
    }
    CompletableFuture<SlotPermit> waiter = new CompletableFuture<>();
    waiting.add(waiter);
    return SlotSupplierFuture.fromCompletableFuture(waiter, () -> waiter.cancel(true));
  }

  @Override
  public synchronized Optional<SlotPermit> tryReserveSlot(
      SlotReserveContext<ActivitySlotInfo> ctx) {
    return takeFreeSlot() ? Optional.of(new SlotPermit()) : Optional.empty();
  }

  @Override
  public synchronized void markSlotUsed(SlotMarkUsedContext<ActivitySlotInfo> ctx) {
    spent = true;
  }

  @Override
  public synchronized void releaseSlot(SlotReleaseContext<ActivitySlotInfo> ctx) {
    if (spent) {
      return;
    }
    CompletableFuture<SlotPermit> waiter;
    while ((waiter = waiting.poll()) != null) {
      if (waiter.complete(new SlotPermit())) {
        return;
      }
    }
    free = true;
  }

  @Override
  public Optional<Integer> getMaximumSlots() {
    return Optional.of(1);
  }

  private boolean takeFreeSlot() {
    if (!free || spent) {
      return false;
    }
    free = false;
    return true;
  }
}
