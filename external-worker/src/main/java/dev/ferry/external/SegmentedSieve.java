package dev.ferry.external;

import java.util.Arrays;
import java.util.BitSet;

/**
 * Counts primes below a bound one cache-sized segment at a time, so that a count can stop after any
 * segment and later resume from where it stopped.
 *
 * <p>Only odd numbers are stored, one bit each. Multiples of 3, 5, 7, 11 and 13 are stamped from a
 * precomputed pattern instead of being crossed off one by one, since they account for about 40% of
 * all crossings. Each larger base prime keeps its next multiple from one segment to the next, so no
 * segment pays a division per prime.
 *
 * <p>Not thread-safe: one count uses one instance on one thread.
 */
final class SegmentedSieve {

  /** Odd numbers per segment: 2^19 bits, 64 KiB, cover 2^20 numbers and stay in L2 cache. */
  static final int SEGMENT_ODDS = 1 << 19;

  /** Numbers per segment; segments start at multiples of this. */
  static final long SEGMENT_SPAN = 2L * SEGMENT_ODDS;

  private static final int[] PRESIEVED = {3, 5, 7, 11, 13};

  /** Bit g is set when 2g + 1 is a multiple of a presieved prime; period 3*5*7*11*13 words. */
  private static final long[] PATTERN = presievePattern();

  private final long below;
  private final int[] basePrimes;
  private final int[] nextMultiple;
  private final long[] bits = new long[SEGMENT_ODDS / 64];
  private int active;
  private long position;

  /**
   * Prepares to count the primes in {@code [from, below)}.
   *
   * @param from first number to count, 0 or more
   * @param below exclusive bound, at most {@link dev.ferry.api.PrimesInput#MAX_BELOW}
   */
  SegmentedSieve(long from, long below) {
    if (from < 0 || from > below) {
      throw new IllegalArgumentException(
          "sieve range must satisfy 0 <= from <= below, was [" + from + ", " + below + ")");
    }
    this.below = below;
    this.position = from;
    this.basePrimes = oddPrimesUpTo(below < 2 ? 0 : (int) Math.sqrt((double) (below - 1)) + 1);
    this.nextMultiple = new int[basePrimes.length];
  }

  /** The first number not counted yet. */
  long position() {
    return position;
  }

  /** Whether numbers are left to count. */
  boolean hasNext() {
    return position < below;
  }

  /** Sieves the segment at {@link #position()} and returns the primes counted in it. */
  long countNextSegment() {
    if (!hasNext()) {
      throw new IllegalStateException("nothing left below " + below);
    }
    long base = position - Math.floorMod(position, SEGMENT_SPAN);
    long end = Math.min(base + SEGMENT_SPAN, below);
    stampPattern(base);
    if (base == 0) {
      // The pattern marks 3..13 themselves, and 1 is not prime.
      bits[0] = (bits[0] | 1L) & ~(1L << 1 | 1L << 2 | 1L << 3 | 1L << 5 | 1L << 6);
    }
    activateBasePrimes(base, end);
    crossOff();
    long count = countUnmarked((int) ((position - base) / 2), (int) ((end - base) / 2));
    if (position <= 2 && end > 2) {
      count++;
    }
    position = end;
    return count;
  }

  private void stampPattern(long base) {
    int source = (int) ((base / 128) % PATTERN.length);
    for (int filled = 0; filled < bits.length; source = 0) {
      int length = Math.min(bits.length - filled, PATTERN.length - source);
      System.arraycopy(PATTERN, source, bits, filled, length);
      filled += length;
    }
  }

  private void activateBasePrimes(long base, long end) {
    while (active < basePrimes.length) {
      long p = basePrimes[active];
      if (p * p >= end) {
        return;
      }
      // Start at p*p (smaller multiples have a smaller factor) or at the first odd multiple here.
      long first = Math.max(p * p, (base + p - 1) / p * p);
      if (first % 2 == 0) {
        first += p;
      }
      nextMultiple[active] = (int) ((first - base - 1) / 2);
      active++;
    }
  }

  private void crossOff() {
    long[] bits = this.bits;
    for (int k = 0; k < active; k++) {
      int p = basePrimes[k];
      int i = nextMultiple[k];
      for (; i < SEGMENT_ODDS; i += p) {
        bits[i >>> 6] |= 1L << i;
      }
      nextMultiple[k] = i - SEGMENT_ODDS;
    }
  }

  private long countUnmarked(int fromBit, int toBit) {
    if (fromBit >= toBit) {
      return 0;
    }
    int firstWord = fromBit >>> 6;
    int lastWord = (toBit - 1) >>> 6;
    long count = 0;
    for (int w = firstWord; w <= lastWord; w++) {
      long unmarked = ~bits[w];
      if (w == firstWord) {
        unmarked &= -1L << fromBit;
      }
      if (w == lastWord) {
        unmarked &= -1L >>> (63 - ((toBit - 1) & 63));
      }
      count += Long.bitCount(unmarked);
    }
    return count;
  }

  /** Odd primes from 17 up to {@code limit}: the ones the pattern leaves to {@link #crossOff}. */
  private static int[] oddPrimesUpTo(int limit) {
    if (limit < 17) {
      return new int[0];
    }
    // Bit k stands for 2k + 1; a plain sieve is enough below the square root.
    BitSet composite = new BitSet(limit / 2 + 1);
    int[] primes = new int[(int) (1.3 * limit / Math.log(limit)) + 16];
    int found = 0;
    for (int k = composite.nextClearBit(1);
        2L * k + 1 <= limit;
        k = composite.nextClearBit(k + 1)) {
      long n = 2L * k + 1;
      if (n >= 17) {
        primes[found++] = (int) n;
      }
      for (long m = n * n; m <= limit; m += 2 * n) {
        composite.set((int) (m / 2));
      }
    }
    return Arrays.copyOf(primes, found);
  }

  private static long[] presievePattern() {
    int period = 1;
    for (int p : PRESIEVED) {
      period *= p;
    }
    // period words hold 64 * period bits, a whole number of periods, so copies line up by word.
    long[] pattern = new long[period];
    for (int p : PRESIEVED) {
      // 2g + 1 = p * (2j + 1) for g = p * j + (p - 1) / 2.
      for (long g = (p - 1) / 2; g < 64L * period; g += p) {
        pattern[(int) (g >>> 6)] |= 1L << g;
      }
    }
    return pattern;
  }
}
