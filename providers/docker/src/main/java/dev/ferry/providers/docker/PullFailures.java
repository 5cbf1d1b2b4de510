package dev.ferry.providers.docker;

import com.github.dockerjava.api.exception.DockerException;
import dev.ferry.providers.ProviderException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why the engine could not pull an image, by cause: the registry refused the credentials (auth, not
 * retried), has no such image (invalid spec), or was busy, failing or slow (retryable).
 */
final class PullFailures {

  private static final List<String> MISSING =
      List.of("repository does not exist", "manifest unknown", "name unknown");
  private static final List<String> AUTH =
      List.of(
          "unauthorized",
          "authentication required",
          "no basic auth credentials",
          "access denied",
          "denied:",
          "forbidden",
          "incorrect username or password");
  private static final List<String> RETRYABLE =
      List.of(
          "toomanyrequests",
          "too many requests",
          "timeout",
          "timed out",
          "deadline exceeded",
          "connection refused",
          "connection reset",
          "unexpected eof");
  // A status as registries and the engine word it: "503 Service Unavailable", "status code 429",
  // "status: 401". Never a bare number: a digest or a port may hold any three digits.
  private static final Pattern STATUS =
      Pattern.compile("(?:\\bstatus(?: code)?:? ?(\\d{3})\\b)|(?:\\b(\\d{3}) (?=[a-z]))");

  private PullFailures() {}

  static ProviderException translate(String image, RuntimeException e) {
    String reason = e instanceof DockerException docker ? DockerErrors.reason(docker) : "" + e;
    String message = "image " + image + " is not on this engine and could not be pulled: " + reason;
    Cause cause =
        e instanceof DockerException docker ? cause(docker.getHttpStatus(), reason) : cause(reason);
    return switch (cause) {
      case AUTH -> new ProviderException.Auth(message, e);
      case RETRYABLE -> new ProviderException.Unavailable(message, e);
      case MISSING -> new ProviderException.InvalidSpec(message, e);
    };
  }

  /** The engine's own status says auth or throttling outright; else its words tell. */
  static Cause cause(int engineStatus, String reason) {
    return switch (engineStatus) {
      case 401, 403 -> Cause.AUTH;
      case 429 -> Cause.RETRYABLE;
      default -> cause(reason);
    };
  }

  enum Cause {
    AUTH,
    RETRYABLE,
    MISSING
  }

  /**
   * By the registry's words: a missing image (manifest or repository unknown, no such host) is the
   * fallback; refused credentials (401, 403) are auth; throttling (429), a failing registry (5xx)
   * or one too slow are retryable.
   */
  static Cause cause(String reason) {
    String lower = reason.toLowerCase(Locale.ROOT);
    // "pull access denied ... may require 'docker login'" is also what a missing repository says.
    if (MISSING.stream().anyMatch(lower::contains)) {
      return Cause.MISSING;
    }
    Optional<Integer> status = status(lower);
    if (AUTH.stream().anyMatch(lower::contains)
        || status.filter(s -> s == 401 || s == 403).isPresent()) {
      return Cause.AUTH;
    }
    if (RETRYABLE.stream().anyMatch(lower::contains)
        || status.filter(s -> s == 429 || s >= 500 && s < 600).isPresent()) {
      return Cause.RETRYABLE;
    }
    return Cause.MISSING;
  }

  /** The first HTTP status the message names. */
  private static Optional<Integer> status(String lower) {
    Matcher matcher = STATUS.matcher(lower);
    while (matcher.find()) {
      String digits = matcher.group(1) != null ? matcher.group(1) : matcher.group(2);
      int code = Integer.parseInt(digits);
      if (code >= 400 && code < 600) {
        return Optional.of(code);
      }
    }
    return Optional.empty();
  }
}
