package dev.ferry.api;

/**
 * Where a {@code primes} run got to: every prime below {@code next} is counted in {@code count}.
 *
 * @param next first number not yet sieved
 * @param count primes below {@code next}
 */
public record PrimesCheckpoint(long next, long count) {}
