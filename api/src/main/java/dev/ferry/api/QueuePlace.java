package dev.ferry.api;

/**
 * Where a run waits for a place under its provider's concurrency limit.
 *
 * @param provider the provider whose limit the run waits for
 * @param limit how many runs may hold compute on it at once
 * @param place 1 for the next run to start; null until the provider's queue has told the run
 */
public record QueuePlace(String provider, int limit, Integer place) {

  public QueuePlace withPlace(int newPlace) {
    return new QueuePlace(provider, limit, newPlace);
  }
}
