package dev.ferry.providers.docker;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * How the {@code docker} provider reaches its engine and runs containers, read once from the
 * environment.
 *
 * @param dockerHost the engine's address, e.g. {@code unix:///var/run/docker.sock}
 * @param network the network mode every container joins ({@code host}, {@code none}, a network)
 * @param stopGrace how long a container has after SIGTERM before the engine kills it
 * @param pidsLimit the most processes (threads included) a container may hold
 * @param allowRoot whether an image whose user is root may run
 */
record DockerSettings(
    URI dockerHost, String network, Duration stopGrace, long pidsLimit, boolean allowRoot) {

  static final String DOCKER_HOST = "DOCKER_HOST";
  static final String NETWORK = "FERRY_DOCKER_NETWORK";
  static final String STOP_GRACE = "FERRY_DOCKER_STOP_GRACE";
  static final String PIDS_LIMIT = "FERRY_DOCKER_PIDS_LIMIT";
  static final String ALLOW_ROOT = "FERRY_DOCKER_ALLOW_ROOT";
  static final String DEFAULT_HOST = "unix:///var/run/docker.sock";
  static final long DEFAULT_PIDS_LIMIT = dev.ferry.providers.WorkerLockdown.DEFAULT_PIDS_LIMIT;

  public DockerSettings {
    if (dockerHost == null) {
      throw new IllegalArgumentException(DOCKER_HOST + " must be set");
    }
    if (network == null || network.isBlank()) {
      throw new IllegalArgumentException(NETWORK + " must name a network mode, e.g. host");
    }
    if (stopGrace == null || stopGrace.isNegative()) {
      throw new IllegalArgumentException(STOP_GRACE + " must not be negative, was " + stopGrace);
    }
    if (pidsLimit < 1) {
      throw new IllegalArgumentException(PIDS_LIMIT + " must be positive, was " + pidsLimit);
    }
  }

  /** The defaults for everything but the engine's address and the network. */
  DockerSettings(URI dockerHost, String network, Duration stopGrace) {
    this(dockerHost, network, stopGrace, DEFAULT_PIDS_LIMIT, false);
  }

  /**
   * Reads {@code DOCKER_HOST}, {@code FERRY_DOCKER_NETWORK}, {@code FERRY_DOCKER_STOP_GRACE},
   * {@code FERRY_DOCKER_PIDS_LIMIT} and {@code FERRY_DOCKER_ALLOW_ROOT}.
   *
   * @throws IllegalArgumentException naming the bad variable
   */
  static DockerSettings fromEnv(Map<String, String> env) {
    return new DockerSettings(
        dockerHost(env.getOrDefault(DOCKER_HOST, DEFAULT_HOST)),
        env.getOrDefault(NETWORK, "host"),
        stopGrace(env.getOrDefault(STOP_GRACE, "PT10S")),
        pidsLimit(env.getOrDefault(PIDS_LIMIT, String.valueOf(DEFAULT_PIDS_LIMIT))),
        allowRoot(env.getOrDefault(ALLOW_ROOT, "false")));
  }

  private static long pidsLimit(String value) {
    try {
      return Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          PIDS_LIMIT + " must be a whole number like 512, was '" + value + "'", e);
    }
  }

  private static boolean allowRoot(String value) {
    return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
      case "true" -> true;
      case "false", "" -> false;
      default ->
          throw new IllegalArgumentException(
              ALLOW_ROOT + " must be true or false, was '" + value + "'");
    };
  }

  /** The grace in whole seconds, rounded up, as the engine takes it. */
  int stopGraceSeconds() {
    long seconds = stopGrace.toSeconds() + (stopGrace.toNanosPart() > 0 ? 1 : 0);
    return (int) Math.min(Integer.MAX_VALUE, seconds);
  }

  private static URI dockerHost(String value) {
    try {
      URI uri = new URI(value.strip());
      if (uri.getScheme() == null) {
        throw new IllegalArgumentException(
            DOCKER_HOST + " must be a URI like " + DEFAULT_HOST + ", was '" + value + "'");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          DOCKER_HOST + " must be a URI like " + DEFAULT_HOST + ", was '" + value + "'", e);
    }
  }

  private static Duration stopGrace(String value) {
    try {
      return Duration.parse(value.strip());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          STOP_GRACE + " must be an ISO-8601 duration like PT10S, was '" + value + "'", e);
    }
  }
}
