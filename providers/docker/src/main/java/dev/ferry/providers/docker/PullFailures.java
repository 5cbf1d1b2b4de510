package dev.ferry.providers.docker;

import com.github.dockerjava.api.exception.DockerException;
import dev.ferry.providers.ProviderException;
import java.util.List;
import java.util.Locale;

/**
 * Why the engine could not pull an image, by cause: the registry refused the credentials (auth, not
 * retried), has no such image (invalid spec), or was busy, failing or slow (retryable).
 */
final class PullFailures {

  private static final List<String> AUTH =
      List.of(
          "unauthorized",
          "authentication required",
          "no basic auth credentials",
          "access denied",
          "denied:",
          "incorrect username or password");
  private static final List<String> RETRYABLE =
      List.of(
          "toomanyrequests",
          "too many requests",
          "429",
          "500 internal server error",
          "502 bad gateway",
          "503 service unavailable",
          "504 gateway timeout",
          "timeout",
          "timed out",
          "connection refused",
          "connection reset");

  private PullFailures() {}

  static ProviderException translate(String image, RuntimeException e) {
    String reason = e instanceof DockerException docker ? DockerErrors.reason(docker) : "" + e;
    String message = "image " + image + " is not on this engine and could not be pulled: " + reason;
    return switch (cause(reason)) {
      case AUTH -> new ProviderException.Auth(message, e);
      case RETRYABLE -> new ProviderException.Unavailable(message, e);
      case MISSING -> new ProviderException.InvalidSpec(message, e);
    };
  }

  enum Cause {
    AUTH,
    RETRYABLE,
    MISSING
  }

  /** A missing image (manifest unknown, no such repository, no such host) is the fallback. */
  static Cause cause(String reason) {
    String lower = reason.toLowerCase(Locale.ROOT);
    // "pull access denied ... may require 'docker login'" is also what a missing repository says.
    if (lower.contains("repository does not exist") || lower.contains("manifest unknown")) {
      return Cause.MISSING;
    }
    if (AUTH.stream().anyMatch(lower::contains)) {
      return Cause.AUTH;
    }
    if (RETRYABLE.stream().anyMatch(lower::contains)) {
      return Cause.RETRYABLE;
    }
    return Cause.MISSING;
  }
}
