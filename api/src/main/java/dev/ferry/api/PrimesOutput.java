package dev.ferry.api;

/**
 * Output of the {@code primes} workload.
 *
 * @param below the bound it counted to
 * @param count how many primes are below it
 */
public record PrimesOutput(long below, long count) {}
