package dev.ferry.orchestrator;

import dev.ferry.api.FailureTypes;
import dev.ferry.providers.ProviderException;
import io.temporal.failure.ApplicationFailure;

/** Turns provider-neutral errors into the failures Temporal retries, or does not. */
final class ProviderFailures {

  private ProviderFailures() {}

  static ApplicationFailure toFailure(ProviderException e) {
    return switch (e) {
      case ProviderException.Auth auth -> nonRetryable(auth, FailureTypes.COMPUTE_AUTH);
      case ProviderException.InvalidSpec spec ->
          nonRetryable(spec, FailureTypes.INVALID_COMPUTE_SPEC);
      case ProviderException.NotFound notFound ->
          nonRetryable(notFound, FailureTypes.COMPUTE_NOT_FOUND);
      case ProviderException.Quota quota ->
          ApplicationFailure.newFailureWithCause(
              quota.getMessage(), FailureTypes.COMPUTE_QUOTA, quota);
      case ProviderException.Unavailable unavailable ->
          ApplicationFailure.newFailureWithCause(
              unavailable.getMessage(), FailureTypes.COMPUTE_UNAVAILABLE, unavailable);
      case ProviderException.RateLimited limited ->
          ApplicationFailure.newBuilder()
              .setMessage(limited.getMessage())
              .setType(FailureTypes.COMPUTE_RATE_LIMITED)
              .setNextRetryDelay(limited.retryAfter())
              .setCause(limited)
              .build();
    };
  }

  private static ApplicationFailure nonRetryable(ProviderException e, String type) {
    return ApplicationFailure.newNonRetryableFailureWithCause(e.getMessage(), type, e);
  }
}
