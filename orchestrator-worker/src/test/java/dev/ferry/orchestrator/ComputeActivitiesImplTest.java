package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.api.ComputeHandle;
import dev.ferry.api.FailureTypes;
import dev.ferry.api.TeardownReceipt;
import dev.ferry.providers.ProviderRegistry;
import dev.ferry.providers.docker.DockerProviderFactory;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a teardown's failures become for Temporal, when the provider cannot even be made. */
class ComputeActivitiesImplTest {

  private static final ComputeHandle HANDLE = ComputeHandle.named("docker", "ferry-gone-a1");

  private static ComputeActivitiesImpl activities(Map<String, String> env) {
    return new ComputeActivitiesImpl(
        ProviderRegistry.of(env, new DockerProviderFactory()),
        new ComputeDefaults("docker", null),
        new WorkerEnvironment("127.0.0.1:7233", "default", Map.of()));
  }

  @Test
  void aTeardownWhileTheEngineIsDownIsRetriedNotFailed() throws IOException {
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }
    String dockerHost = "tcp://127.0.0.1:" + closed;

    assertThatThrownBy(() -> activities(Map.of("DOCKER_HOST", dockerHost)).tearDown(HANDLE))
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.isNonRetryable()).as("non-retryable").isFalse();
              assertThat(f.getType()).isEqualTo(FailureTypes.COMPUTE_UNAVAILABLE);
              assertThat(f.getOriginalMessage())
                  .contains("DOCKER_HOST=" + dockerHost, "no Docker engine answers");
            });
  }

  @Test
  void aMisconfiguredProviderStaysANonRetryableErrorNamingTheVariable() {
    assertThatThrownBy(
            () -> activities(Map.of("FERRY_DOCKER_STOP_GRACE", "ten seconds")).tearDown(HANDLE))
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.isNonRetryable()).as("non-retryable").isTrue();
              assertThat(f.getType()).isEqualTo(FailureTypes.INVALID_COMPUTE_SPEC);
              assertThat(f.getOriginalMessage())
                  .contains("provider 'docker' is not configured", "FERRY_DOCKER_STOP_GRACE");
            });
  }

  @Test
  void aReceiptAfterRetriesSaysOnWhichAttemptTheResourceWasGone() {
    TeardownReceipt receipt =
        new TeardownReceipt("local", "r", "42", true, 0, List.of("bye"), Instant.EPOCH, "exited");

    TeardownReceipt noted = ComputeActivitiesImpl.afterRetries(receipt, 3);

    assertThat(noted.detail())
        .isEqualTo("gone on teardown attempt 3; the earlier attempts failed; exited");
    assertThat(noted).usingRecursiveComparison().ignoringFields("detail").isEqualTo(receipt);
  }
}
