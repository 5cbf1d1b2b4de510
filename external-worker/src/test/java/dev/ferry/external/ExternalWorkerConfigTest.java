package dev.ferry.external;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExternalWorkerConfigTest {

  @Test
  void readsTheQueueTheIdleTimeoutAndTheTemporalConnection() {
    ExternalWorkerConfig config =
        ExternalWorkerConfig.fromEnvironment(
            Map.of(
                "FERRY_TASK_QUEUE", "ferry-run-abc-1",
                "FERRY_IDLE_TIMEOUT", "PT2M",
                "TEMPORAL_ADDRESS", "temporal.example:7233",
                "TEMPORAL_NAMESPACE", "ferry"));

    assertThat(config.taskQueue()).isEqualTo("ferry-run-abc-1");
    assertThat(config.idleTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(config.temporal().getAddress()).isEqualTo("temporal.example:7233");
    assertThat(config.temporal().getNamespace()).isEqualTo("ferry");
  }

  @Test
  void readsAPlainIdleTimeoutAsSeconds() {
    ExternalWorkerConfig config =
        ExternalWorkerConfig.fromEnvironment(
            Map.of("FERRY_TASK_QUEUE", "q", "FERRY_IDLE_TIMEOUT", "300"));

    assertThat(config.idleTimeout()).isEqualTo(Duration.ofSeconds(300));
  }

  @Test
  void waitsFiveMinutesForATaskByDefault() {
    ExternalWorkerConfig config =
        ExternalWorkerConfig.fromEnvironment(Map.of("FERRY_TASK_QUEUE", "q"));

    assertThat(config.idleTimeout()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void namesTheMissingTaskQueueVariable() {
    assertThatThrownBy(() -> ExternalWorkerConfig.fromEnvironment(Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("FERRY_TASK_QUEUE");
  }

  @ParameterizedTest
  @ValueSource(strings = {"soon", "5m", "PT0S", "-PT1M", "0"})
  void namesTheIdleTimeoutVariableWhenItIsInvalid(String value) {
    Map<String, String> env = Map.of("FERRY_TASK_QUEUE", "q", "FERRY_IDLE_TIMEOUT", value);

    assertThatThrownBy(() -> ExternalWorkerConfig.fromEnvironment(env))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("FERRY_IDLE_TIMEOUT")
        .hasMessageContaining(value);
  }

  @Test
  void readsTheLeaseAndTheHeartbeatTimeout() {
    ExternalWorkerConfig config =
        ExternalWorkerConfig.fromEnvironment(
            Map.of(
                "FERRY_TASK_QUEUE", "q",
                "FERRY_LEASE_EXPIRES", "2026-11-22T05:00:00Z",
                "FERRY_HEARTBEAT_TIMEOUT", "PT30S"));

    assertThat(config.leaseExpires()).isEqualTo(java.time.Instant.parse("2026-11-22T05:00:00Z"));
    assertThat(config.heartbeatTimeout()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void hasNoLeaseAndNoHeartbeatLimitUnlessTold() {
    ExternalWorkerConfig config =
        ExternalWorkerConfig.fromEnvironment(Map.of("FERRY_TASK_QUEUE", "q"));

    assertThat(config.leaseExpires()).isNull();
    assertThat(config.heartbeatTimeout()).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"FERRY_LEASE_EXPIRES=tomorrow", "FERRY_HEARTBEAT_TIMEOUT=PT0S"})
  void namesTheLifetimeVariableWhenItIsInvalid(String setting) {
    String[] pair = setting.split("=", 2);
    Map<String, String> env = Map.of("FERRY_TASK_QUEUE", "q", pair[0], pair[1]);

    assertThatThrownBy(() -> ExternalWorkerConfig.fromEnvironment(env))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(pair[0])
        .hasMessageContaining(pair[1]);
  }
}
