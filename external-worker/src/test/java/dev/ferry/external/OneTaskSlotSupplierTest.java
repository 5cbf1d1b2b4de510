package dev.ferry.external;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.worker.tuning.SlotSupplierFuture;
import org.junit.jupiter.api.Test;

class OneTaskSlotSupplierTest {

  private final OneTaskSlotSupplier slots = new OneTaskSlotSupplier();

  @Test
  void handsOutOneSlotAtATime() {
    assertThat(slots.tryReserveSlot(null)).isPresent();

    assertThat(slots.tryReserveSlot(null)).isEmpty();
    assertThat(slots.reserveSlot(null)).isNotDone();
  }

  @Test
  void takesBackASlotThatNoTaskUsed() {
    slots.tryReserveSlot(null);
    SlotSupplierFuture waiting = slots.reserveSlot(null);

    slots.releaseSlot(null);

    assertThat(waiting).isCompleted();
    slots.releaseSlot(null);
    assertThat(slots.tryReserveSlot(null)).isPresent();
  }

  @Test
  void neverHandsOutTheSlotAgainOnceATaskUsedIt() {
    slots.tryReserveSlot(null);
    SlotSupplierFuture waiting = slots.reserveSlot(null);

    slots.markSlotUsed(null);
    slots.releaseSlot(null);

    assertThat(waiting).isNotDone();
    assertThat(slots.tryReserveSlot(null)).isEmpty();
  }

  @Test
  void skipsAWaiterWhoseReservationWasAborted() {
    slots.tryReserveSlot(null);
    slots.reserveSlot(null).abortReservation();

    slots.releaseSlot(null);

    assertThat(slots.tryReserveSlot(null)).isPresent();
  }
}
