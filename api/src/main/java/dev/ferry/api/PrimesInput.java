package dev.ferry.api;

/**
 * Input of the {@code primes} workload: count the primes below {@code below}.
 *
 * @param below exclusive upper bound, from 2 to {@link #MAX_BELOW}
 */
public record PrimesInput(long below) {

  /** Days of work on one core, with base primes (below its square root) that fit in ~50 MB. */
  public static final long MAX_BELOW = 1_000_000_000_000_000L;

  public PrimesInput {
    if (below < 2 || below > MAX_BELOW) {
      throw new IllegalArgumentException(
          "below must be between 2 and " + MAX_BELOW + ", was " + below);
    }
  }
}
