package dev.ferry.api;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Input of the {@code pr-check} workload: one commit of one repository and the check to run on it.
 *
 * @param cloneUrl where to clone from: {@code https://}, {@code file://}, or {@code http://} on
 *     loopback (a server on the compute's own host, as in tests; never across a network)
 * @param sha the full 40-hex commit to check out
 * @param command a command line for {@code sh -c}, run in the checkout; null to read the
 *     repository's {@value #CHECK_FILE} file
 * @param timeLimit how long the command may run before it is stopped and counted as failed
 */
public record PrCheckInput(String cloneUrl, String sha, String command, Duration timeLimit) {

  /** The file in a repository, relative to its root, that holds its check command. */
  public static final String CHECK_FILE = ".ferry/check";

  public static final Duration DEFAULT_TIME_LIMIT = Duration.ofMinutes(30);

  private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}");
  private static final Pattern LOOPBACK_HTTP =
      Pattern.compile("http://(127\\.0\\.0\\.1|localhost)(:[0-9]{1,5})?/.*");

  public PrCheckInput {
    if (cloneUrl == null || cloneUrl.isBlank()) {
      throw new IllegalArgumentException("cloneUrl must be set");
    }
    if (!cloneUrl.startsWith("https://")
        && !cloneUrl.startsWith("file://")
        && !LOOPBACK_HTTP.matcher(cloneUrl).matches()) {
      throw new IllegalArgumentException(
          "cloneUrl must be an https:// or file:// URL (http:// only on loopback), was '"
              + cloneUrl
              + "'");
    }
    if (sha == null || !SHA.matcher(sha).matches()) {
      throw new IllegalArgumentException(
          "sha must be a full 40-character lower-case hex commit id, was '" + sha + "'");
    }
    command = command == null || command.isBlank() ? null : command;
    timeLimit = timeLimit == null ? DEFAULT_TIME_LIMIT : timeLimit;
    if (timeLimit.isZero() || timeLimit.isNegative()) {
      throw new IllegalArgumentException("timeLimit must be positive, was " + timeLimit);
    }
  }
}
