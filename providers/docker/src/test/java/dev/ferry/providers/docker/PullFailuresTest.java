package dev.ferry.providers.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.api.exception.InternalServerErrorException;
import dev.ferry.providers.ProviderException;
import org.junit.jupiter.api.Test;

/** Pull errors as the engine words them, mapped by cause. */
class PullFailuresTest {

  @Test
  void refusedCredentialsAreAuth() {
    assertThat(
            PullFailures.translate(
                "reg.example/w:1",
                new InternalServerErrorException(
                    "Status 500: {\"message\":\"Head \\\"http://127.0.0.1:5000/v2/w/manifests/1\\\":"
                        + " no basic auth credentials\"}")))
        .isInstanceOf(ProviderException.Auth.class)
        .hasMessageContaining("no basic auth credentials");
    assertThat(PullFailures.cause("unauthorized: authentication required"))
        .isEqualTo(PullFailures.Cause.AUTH);
    assertThat(PullFailures.cause("denied: requested access to the resource is denied"))
        .isEqualTo(PullFailures.Cause.AUTH);
  }

  @Test
  void anUnknownImageIsMissing() {
    assertThat(PullFailures.cause("manifest unknown: manifest unknown"))
        .isEqualTo(PullFailures.Cause.MISSING);
    assertThat(
            PullFailures.cause(
                "pull access denied for x, repository does not exist or may require 'docker"
                    + " login'"))
        .isEqualTo(PullFailures.Cause.MISSING);
    assertThat(
            PullFailures.translate(
                "x:1", new DockerClientException("dial tcp: lookup nowhere: no such host")))
        .isInstanceOf(ProviderException.InvalidSpec.class)
        .hasMessageContaining("image x:1 is not on this engine and could not be pulled");
  }

  @Test
  void busyOrFailingOrSlowRegistriesAreRetryable() {
    assertThat(PullFailures.cause("toomanyrequests: You have reached your pull rate limit"))
        .isEqualTo(PullFailures.Cause.RETRYABLE);
    assertThat(PullFailures.cause("received unexpected HTTP status: 503 Service Unavailable"))
        .isEqualTo(PullFailures.Cause.RETRYABLE);
    assertThat(PullFailures.cause("net/http: TLS handshake timeout"))
        .isEqualTo(PullFailures.Cause.RETRYABLE);
    assertThat(
            PullFailures.translate(
                "x:1", new DockerClientException("dial tcp 127.0.0.1:5000: connection refused")))
        .isInstanceOf(ProviderException.Unavailable.class);
  }

  @Test
  void statusCodesCountWhereverTheRegistryNamesThem() {
    assertThat(PullFailures.cause("received unexpected HTTP status: 502 Bad Gateway"))
        .isEqualTo(PullFailures.Cause.RETRYABLE);
    assertThat(PullFailures.cause("unexpected status code 507 Insufficient Storage"))
        .isEqualTo(PullFailures.Cause.RETRYABLE);
    assertThat(PullFailures.cause("unexpected status code 429"))
        .isEqualTo(PullFailures.Cause.RETRYABLE);
    assertThat(PullFailures.cause("error parsing HTTP 403 response body: unexpected end"))
        .isEqualTo(PullFailures.Cause.AUTH);
    assertThat(PullFailures.cause("received unexpected HTTP status: 403 Forbidden"))
        .isEqualTo(PullFailures.Cause.AUTH);
    assertThat(PullFailures.cause("Get \"http://127.0.0.1:5000/v2/\": context deadline exceeded"))
        .isEqualTo(PullFailures.Cause.RETRYABLE);
  }

  @Test
  void digitsInADigestOrAPortAreNoStatus() {
    assertThat(
            PullFailures.cause(
                "manifest for 127.0.0.1:5429/w@sha256:503a429f not found: name unknown"))
        .isEqualTo(PullFailures.Cause.MISSING);
    assertThat(PullFailures.cause("no such host 429.example: lookup failed"))
        .isEqualTo(PullFailures.Cause.MISSING);
  }

  @Test
  void theEnginesOwnStatusWinsForAuthAndThrottling() {
    assertThat(PullFailures.cause(401, "something the engine said"))
        .isEqualTo(PullFailures.Cause.AUTH);
    assertThat(PullFailures.cause(403, "something the engine said"))
        .isEqualTo(PullFailures.Cause.AUTH);
    assertThat(PullFailures.cause(429, "something the engine said"))
        .isEqualTo(PullFailures.Cause.RETRYABLE);
    assertThat(PullFailures.cause(404, "pull access denied for x, repository does not exist"))
        .isEqualTo(PullFailures.Cause.MISSING);
    assertThat(PullFailures.cause(500, "received unexpected HTTP status: 503 Service Unavailable"))
        .isEqualTo(PullFailures.Cause.RETRYABLE);
  }
}
