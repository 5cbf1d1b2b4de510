package dev.ferry.orchestrator;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How often the reaper looks for compute to remove, from {@value #INTERVAL}.
 *
 * @param interval the time between rounds; 1 s or more
 */
record ReaperSettings(Duration interval) {

  static final String INTERVAL = "FERRY_REAPER_INTERVAL";
  static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);

  private static final Pattern SHORT = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

  ReaperSettings {
    if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException(INTERVAL + " must be 1s or more, was " + interval);
    }
  }

  /**
   * Reads {@value #INTERVAL}: {@code 90s}, {@code 5m}, {@code 1h} or ISO-8601 ({@code PT1M}).
   *
   * @throws IllegalArgumentException naming the variable when its value is not such a duration
   */
  static ReaperSettings fromEnvironment(Map<String, String> env) {
    String value = env.get(INTERVAL);
    if (value == null || value.isBlank()) {
      return new ReaperSettings(DEFAULT_INTERVAL);
    }
    return new ReaperSettings(parse(value.strip()));
  }

  private static Duration parse(String text) {
    Matcher m = SHORT.matcher(text);
    if (m.matches()) {
      long amount = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        default -> Duration.ofHours(amount);
      };
    }
    try {
      return Duration.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          INTERVAL + " must be a duration like 30s, 1m or PT1M, was '" + text + "'");
    }
  }
}
