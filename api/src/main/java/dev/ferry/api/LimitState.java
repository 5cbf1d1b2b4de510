package dev.ferry.api;

import java.time.Duration;
import java.util.List;

/**
 * A provider's concurrency queue: its input when it starts or continues as new, and what its {@code
 * status} query returns.
 *
 * @param provider the provider id
 * @param limit how many runs may hold compute at once
 * @param holders workflow ids of the runs holding a place
 * @param queue workflow ids of the runs waiting, first in line first
 * @param sequence the last notice's sequence number
 * @param reclaimed places taken back from runs that ended without giving them back
 * @param eventBudget history length past which the queue continues as new
 * @param checkInterval how often the holders are looked at while runs wait and every place is taken
 */
public record LimitState(
    String provider,
    int limit,
    List<String> holders,
    List<String> queue,
    long sequence,
    int reclaimed,
    int eventBudget,
    Duration checkInterval) {

  /** History events a queue keeps before it continues as new. */
  public static final int DEFAULT_EVENT_BUDGET = 2_000;

  /** How often a queue looks for holders that ended without releasing, by default. */
  public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(30);

  public LimitState {
    holders = holders == null ? List.of() : List.copyOf(holders);
    queue = queue == null ? List.of() : List.copyOf(queue);
    eventBudget = eventBudget <= 0 ? DEFAULT_EVENT_BUDGET : eventBudget;
    checkInterval =
        checkInterval == null || checkInterval.isNegative() || checkInterval.isZero()
            ? DEFAULT_CHECK_INTERVAL
            : checkInterval;
  }

  /** An empty queue. */
  public static LimitState empty(String provider, int limit) {
    return new LimitState(
        provider, limit, List.of(), List.of(), 0, 0, DEFAULT_EVENT_BUDGET, DEFAULT_CHECK_INTERVAL);
  }
}
