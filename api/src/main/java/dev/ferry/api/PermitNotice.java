package dev.ferry.api;

/**
 * What a provider's queue tells a waiting run: its place, or that it may start.
 *
 * @param provider the provider id
 * @param limit the queue's limit
 * @param place 0: the run holds a place and may provision; otherwise its place in the queue
 * @param sequence increases with every notice the queue sends, so that a late one is ignored
 */
public record PermitNotice(String provider, int limit, int place, long sequence) {

  public boolean granted() {
    return place == 0;
  }
}
