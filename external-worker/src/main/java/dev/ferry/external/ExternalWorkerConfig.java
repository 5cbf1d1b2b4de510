package dev.ferry.external;

import io.temporal.envconfig.ClientConfigProfile;
import io.temporal.envconfig.LoadClientConfigProfileOptions;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * What one external worker process needs, read once from its environment.
 *
 * @param taskQueue the run attempt's own queue, from {@value #TASK_QUEUE}
 * @param idleTimeout how long to wait for the task before giving up, from {@value #IDLE_TIMEOUT}
 * @param temporal how to reach Temporal, from temporal-envconfig ({@code TEMPORAL_ADDRESS}, {@code
 *     TEMPORAL_NAMESPACE}, {@code TEMPORAL_API_KEY}, {@code TEMPORAL_TLS*}, or its TOML file)
 * @param leaseExpires when the run's interest in this compute ends, from {@value #LEASE_EXPIRES}:
 *     the worker stops then, whatever it is doing; null for no lease
 * @param heartbeatTimeout from {@value #HEARTBEAT_TIMEOUT}: a worker that could not reach Temporal
 *     for longer than this has been given up on by the server, and stops; null to wait forever
 */
public record ExternalWorkerConfig(
    String taskQueue,
    Duration idleTimeout,
    ClientConfigProfile temporal,
    Instant leaseExpires,
    Duration heartbeatTimeout) {

  public static final String TASK_QUEUE = "FERRY_TASK_QUEUE";
  public static final String IDLE_TIMEOUT = "FERRY_IDLE_TIMEOUT";
  public static final String LEASE_EXPIRES = "FERRY_LEASE_EXPIRES";
  public static final String HEARTBEAT_TIMEOUT = "FERRY_HEARTBEAT_TIMEOUT";
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
    if (heartbeatTimeout != null && (heartbeatTimeout.isZero() || heartbeatTimeout.isNegative())) {
      throw new IllegalArgumentException(
          HEARTBEAT_TIMEOUT + " must be a positive duration, was " + heartbeatTimeout);
    }
  }

  /** A worker without a lease or a heartbeat limit. */
  public ExternalWorkerConfig(
      String taskQueue, Duration idleTimeout, ClientConfigProfile temporal) {
    this(taskQueue, idleTimeout, temporal, null, null);
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
    Duration idle = duration(IDLE_TIMEOUT, env.get(IDLE_TIMEOUT));
    return new ExternalWorkerConfig(
        taskQueue.strip(),
        idle == null ? DEFAULT_IDLE_TIMEOUT : idle,
        temporalProfile(env),
        instant(LEASE_EXPIRES, env.get(LEASE_EXPIRES)),
        duration(HEARTBEAT_TIMEOUT, env.get(HEARTBEAT_TIMEOUT)));
  }

  private static Instant instant(String variable, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(value.strip());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          variable + " must be an ISO-8601 instant like 2026-01-31T12:00:00Z, was '" + value + "'");
    }
  }

  /** A positive duration, or null when unset. */
  private static Duration duration(String variable, String value) {
    if (value == null || value.isBlank()) {
      return null;
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
          variable
              + " must be an ISO-8601 duration like PT5M or a number of seconds, was '"
              + value
              + "'");
    }
    if (timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException(
          variable + " must be a positive duration, was '" + value + "'");
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
