package dev.ferry.api;

/**
 * How far a workload is.
 *
 * @param done units done
 * @param total units in all; 0 when unknown
 * @param message what it is doing now
 */
public record Progress(long done, long total, String message) {

  /** Percent done, 0 to 100; 0 when the total is unknown. */
  public double percent() {
    return total <= 0 ? 0 : Math.min(100.0, 100.0 * done / total);
  }
}
