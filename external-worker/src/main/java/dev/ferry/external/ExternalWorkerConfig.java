package dev.ferry.external;

import io.temporal.envconfig.ClientConfigProfile;
import io.temporal.envconfig.LoadClientConfigProfileOptions;
import java.io.IOException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * What one external worker process needs, read once from its environment.
 *
 * @param taskQueue the run attempt's own queue, from {@value #TASK_QUEUE}
 * @param idleTimeout how long to wait for the task before giving up, from {@value #IDLE_TIMEOUT}
 * @param temporal how to reach Temporal, from temporal-envconfig ({@code TEMPORAL_ADDRESS}, {@code
 *     TEMPORAL_NAMESPACE}, {@code TEMPORAL_API_KEY}, {@code TEMPORAL_TLS*}, or its TOML file)
 */
public record ExternalWorkerConfig(
    String taskQueue, Duration idleTimeout, ClientConfigProfile temporal) {

  public static final String TASK_QUEUE = "FERRY_TASK_QUEUE";
  public static final String IDLE_TIMEOUT = "FERRY_IDLE_TIMEOUT";
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);

  public ExternalWorkerConfig {
    if (taskQueue == null || taskQueue.isBlank()) {
      throw new IllegalArgumentException(TASK_QUEUE + " must name the task queue to poll");
    }
    if (idleTimeout == null || idleTimeout.isZero() || idleTimeout.isNegative()) {
      throw new IllegalArgumentException(
          IDLE_TIMEOUT + " must be a positive duration, was " + idleTimeout);
    }
    if (temporal == null) {
      throw new IllegalArgumentException("the Temporal connection profile must be set");
    }
  }

  /**
   * Reads the configuration from environment variables.
   *
   * @param env the environment, usually {@link System#getenv()}
   * @throws IllegalArgumentException naming the variable that is missing or invalid
   */
  public static ExternalWorkerConfig fromEnvironment(Map<String, String> env) {
    String taskQueue = env.get(TASK_QUEUE);
    if (taskQueue == null || taskQueue.isBlank()) {
      throw new IllegalArgumentException(TASK_QUEUE + " is not set: it names the queue to poll");
    }
    return new ExternalWorkerConfig(
        taskQueue.strip(), idleTimeout(env.get(IDLE_TIMEOUT)), temporalProfile(env));
  }

  private static Duration idleTimeout(String value) {
    if (value == null || value.isBlank()) {
      return DEFAULT_IDLE_TIMEOUT;
    }
    String text = value.strip();
    Duration timeout;
    try {
      timeout =
          text.chars().allMatch(Character::isDigit)
              ? Duration.ofSeconds(Long.parseLong(text))
              : Duration.parse(text);
    } catch (NumberFormatException | DateTimeParseException e) {
      throw new IllegalArgumentException(
          IDLE_TIMEOUT
              + " must be an ISO-8601 duration like PT5M or a number of seconds, was '"
              + value
              + "'");
    }
    if (timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException(
          IDLE_TIMEOUT + " must be a positive duration, was '" + value + "'");
    }
    return timeout;
  }

  private static ClientConfigProfile temporalProfile(Map<String, String> env) {
    try {
      return ClientConfigProfile.load(
          LoadClientConfigProfileOptions.newBuilder().setEnvOverrides(env).build());
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          "the Temporal connection settings (TEMPORAL_* variables or TEMPORAL_CONFIG_FILE) are"
              + " invalid: "
              + e.getMessage(),
          e);
    }
  }
}
