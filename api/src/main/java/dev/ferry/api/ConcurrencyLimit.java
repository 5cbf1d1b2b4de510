package dev.ferry.api;

/**
 * How many runs may hold compute on one provider at once, as the orchestrator is configured.
 *
 * @param provider the provider id
 * @param max the limit; 0 for none
 */
public record ConcurrencyLimit(String provider, int max) {

  public ConcurrencyLimit {
    if (max < 0) {
      throw new IllegalArgumentException("max must be 0 (no limit) or positive, was " + max);
    }
  }

  public boolean unlimited() {
    return max == 0;
  }
}
