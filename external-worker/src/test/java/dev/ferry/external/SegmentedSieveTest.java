package dev.ferry.external;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.BitSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SegmentedSieveTest {

  /** Covers three segments, so the carried-over multiples and the pattern wrap are exercised. */
  private static final int LIMIT = (int) (3 * SegmentedSieve.SEGMENT_SPAN + 1000);

  private static long[] primesBelow;

  @BeforeAll
  static void countWithPlainSieve() {
    BitSet composite = new BitSet(LIMIT + 1);
    primesBelow = new long[LIMIT + 1];
    for (int n = 2; n <= LIMIT; n++) {
      primesBelow[n] = primesBelow[n - 1] + (composite.get(n - 1) || n - 1 < 2 ? 0 : 1);
      if (!composite.get(n)) {
        for (long m = (long) n * n; m <= LIMIT; m += n) {
          composite.set((int) m);
        }
      }
    }
  }

  @Test
  void countsLikeAPlainSieveForEverySmallBound() {
    for (int below = 2; below <= 5000; below++) {
      assertThat(count(0, below)).as("primes below %d", below).isEqualTo(primesBelow[below]);
    }
  }

  @Test
  void countsLikeAPlainSieveAcrossSegmentBoundaries() {
    long span = SegmentedSieve.SEGMENT_SPAN;
    for (long below : new long[] {span - 1, span, span + 1, span + 2, 2 * span + 7, LIMIT}) {
      assertThat(count(0, below)).as("primes below %d", below).isEqualTo(primesBelow[(int) below]);
    }
  }

  @Test
  void countsAnyRangeSoACountCanResumeAnywhere() {
    long span = SegmentedSieve.SEGMENT_SPAN;
    long[] starts = {1, 2, 3, 4, 17, 289, 290, span - 1, span, span + 1, span + 12_345, 2 * span};
    for (long from : starts) {
      assertThat(count(from, LIMIT))
          .as("primes in [%d, %d)", from, LIMIT)
          .isEqualTo(primesBelow[LIMIT] - primesBelow[(int) from]);
    }
  }

  @Test
  void advancesOneAlignedSegmentAtATime() {
    long span = SegmentedSieve.SEGMENT_SPAN;
    SegmentedSieve sieve = new SegmentedSieve(100, 2 * span + 5);

    sieve.countNextSegment();
    assertThat(sieve.position()).isEqualTo(span);
    sieve.countNextSegment();
    assertThat(sieve.position()).isEqualTo(2 * span);
    sieve.countNextSegment();
    assertThat(sieve.position()).isEqualTo(2 * span + 5);
    assertThat(sieve.hasNext()).isFalse();
  }

  @Test
  void rejectsARangeThatStartsPastItsEnd() {
    assertThatThrownBy(() -> new SegmentedSieve(11, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[11, 10)");
  }

  @Test
  void acceptsAnEmptyRangeAndRejectsANegativeStart() {
    SegmentedSieve empty = new SegmentedSieve(10, 10);

    assertThat(empty.hasNext()).isFalse();
    assertThatThrownBy(empty::countNextSegment)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("nothing left below 10");
    assertThatThrownBy(() -> new SegmentedSieve(-1, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[-1, 10)");
  }

  @Test
  void countsTheFirstSegmentOfAHugeRangeWithOnlyTheBasePrimesItNeeds() {
    // Base primes up to 10^6 exist for this bound; those whose square lies past the segment must
    // wait, or their first multiple would not even fit the segment's index.
    SegmentedSieve sieve = new SegmentedSieve(0, 1_000_000_000_000L);

    assertThat(sieve.countNextSegment()).isEqualTo(82_025);
    assertThat(sieve.position()).isEqualTo(SegmentedSieve.SEGMENT_SPAN);
  }

  private static long count(long from, long below) {
    SegmentedSieve sieve = new SegmentedSieve(from, below);
    long count = 0;
    while (sieve.hasNext()) {
      count += sieve.countNextSegment();
    }
    return count;
  }
}
