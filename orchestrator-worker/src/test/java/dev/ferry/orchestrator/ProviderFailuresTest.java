package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.api.FailureTypes;
import dev.ferry.providers.ProviderException;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ProviderFailuresTest {

  static Stream<Arguments> everyNeutralError() {
    return Stream.of(
        Arguments.of(
            new ProviderException.Auth("bad token", null), FailureTypes.COMPUTE_AUTH, true),
        Arguments.of(
            new ProviderException.InvalidSpec("no such image"),
            FailureTypes.INVALID_COMPUTE_SPEC,
            true),
        Arguments.of(
            new ProviderException.NotFound("no such job", null),
            FailureTypes.COMPUTE_NOT_FOUND,
            true),
        Arguments.of(
            new ProviderException.Quota("droplet limit", null), FailureTypes.COMPUTE_QUOTA, false),
        Arguments.of(
            new ProviderException.Unavailable("engine down", null),
            FailureTypes.COMPUTE_UNAVAILABLE,
            false),
        Arguments.of(
            new ProviderException.RateLimited("slow down", Duration.ofSeconds(7), null),
            FailureTypes.COMPUTE_RATE_LIMITED,
            false));
  }

  @ParameterizedTest
  @MethodSource("everyNeutralError")
  void mapsEachNeutralErrorToItsTypeAndRetryability(
      ProviderException error, String type, boolean nonRetryable) {
    ApplicationFailure failure = ProviderFailures.toFailure(error);

    assertThat(failure.getType()).isEqualTo(type);
    assertThat(failure.isNonRetryable()).isEqualTo(nonRetryable);
    assertThat(failure.getOriginalMessage()).isEqualTo(error.getMessage());
    assertThat(failure.getCause()).isSameAs(error);
  }

  @Test
  void aRateLimitAsksForTheDelayThePlatformGave() {
    ApplicationFailure failure =
        ProviderFailures.toFailure(
            new ProviderException.RateLimited("slow down", Duration.ofSeconds(7), null));

    assertThat(failure.getNextRetryDelay()).isEqualTo(Duration.ofSeconds(7));
  }
}
