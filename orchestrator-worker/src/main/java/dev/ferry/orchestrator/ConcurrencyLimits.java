package dev.ferry.orchestrator;

import dev.ferry.api.ConcurrencyLimit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The per-provider concurrency limits ({@code FERRY_MAX_CONCURRENT_<PROVIDER>}), read once at
 * start-up; a provider without one is unlimited.
 */
final class ConcurrencyLimits {

  static final String PREFIX = "FERRY_MAX_CONCURRENT_";

  static final ConcurrencyLimits NONE = new ConcurrencyLimits(Map.of());

  private final Map<String, Integer> byProvider;

  private ConcurrencyLimits(Map<String, Integer> byProvider) {
    this.byProvider = Map.copyOf(byProvider);
  }

  /**
   * Reads every {@code FERRY_MAX_CONCURRENT_*} variable.
   *
   * @param providers the provider ids this orchestrator knows
   * @throws IllegalArgumentException naming a variable whose value is not a positive whole number,
   *     or that names no known provider
   */
  static ConcurrencyLimits fromEnvironment(Map<String, String> env, List<String> providers) {
    Map<String, String> idByVariable =
        providers.stream()
            .collect(Collectors.toMap(ConcurrencyLimits::variable, id -> id, (a, b) -> a));
    Map<String, Integer> limits = new TreeMap<>();
    for (Map.Entry<String, String> entry : new TreeMap<>(env).entrySet()) {
      String name = entry.getKey();
      if (!name.startsWith(PREFIX)) {
        continue;
      }
      String provider = idByVariable.get(name);
      if (provider == null) {
        throw new IllegalArgumentException(
            name
                + " names no known provider; the variables are "
                + String.join(", ", new TreeMap<>(idByVariable).keySet()));
      }
      String value = entry.getValue().trim();
      if (value.isEmpty()) {
        continue;
      }
      limits.put(provider, positive(name, value));
    }
    return new ConcurrencyLimits(limits);
  }

  /** {@code FERRY_MAX_CONCURRENT_} and the provider id upper-cased, {@code -} as {@code _}. */
  static String variable(String provider) {
    return PREFIX + provider.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  ConcurrencyLimit limitFor(String provider) {
    return new ConcurrencyLimit(provider, byProvider.getOrDefault(provider, 0));
  }

  Map<String, Integer> asMap() {
    return byProvider;
  }

  private static int positive(String name, String value) {
    try {
      int limit = Integer.parseInt(value);
      if (limit < 1) {
        throw new NumberFormatException();
      }
      return limit;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          name
              + " must be a positive whole number (runs at once on that provider), was '"
              + value
              + "'; leave it unset for no limit");
    }
  }
}
