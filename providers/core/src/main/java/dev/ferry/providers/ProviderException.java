package dev.ferry.providers;

import java.time.Duration;

/**
 * The provider-neutral failures every provider translates its platform's errors into, at its edge,
 * so that the activities can decide once what is worth retrying.
 */
public abstract sealed class ProviderException extends RuntimeException {

  private ProviderException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The platform rejected Ferry's credentials; retrying will not help. */
  public static final class Auth extends ProviderException {
    public Auth(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The request cannot work on this provider (unknown image, bad size); not retried. */
  public static final class InvalidSpec extends ProviderException {
    public InvalidSpec(String message) {
      super(message, null);
    }

    public InvalidSpec(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The account is out of quota; may clear later. */
  public static final class Quota extends ProviderException {
    public Quota(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The platform asked for fewer requests; retry after {@link #retryAfter()}. */
  public static final class RateLimited extends ProviderException {
    private final Duration retryAfter;

    public RateLimited(String message, Duration retryAfter, Throwable cause) {
      super(message, cause);
      this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
      return retryAfter;
    }
  }

  /** The resource does not exist. */
  public static final class NotFound extends ProviderException {
    public NotFound(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The platform is unreachable or failing; worth retrying. */
  public static final class Unavailable extends ProviderException {
    public Unavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
