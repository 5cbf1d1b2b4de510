package dev.ferry.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TemporalConnectionTest {

  @Test
  void anApiKeyTurnsTlsOn() {
    var options =
        TemporalConnection.stubsOptions(
            TemporalConnection.profile(
                Map.of("TEMPORAL_ADDRESS", "example.test:7233", "TEMPORAL_API_KEY", "key")));

    assertThat(options.getEnableHttps()).isTrue();
  }

  @Test
  void anExplicitTlsOffWinsOverAnApiKey() {
    var options =
        TemporalConnection.stubsOptions(
            TemporalConnection.profile(
                Map.of(
                    "TEMPORAL_ADDRESS", "127.0.0.1:7233",
                    "TEMPORAL_API_KEY", "key",
                    "TEMPORAL_TLS", "false")));

    assertThat(options.getEnableHttps()).isFalse();
  }

  @Test
  void noAddressMeansTheEmbeddedServerOnItsPort() {
    assertThat(TemporalConnection.address(Map.of("FERRY_TEMPORAL_PORT", "7300")))
        .isEqualTo("127.0.0.1:7300");
  }
}
