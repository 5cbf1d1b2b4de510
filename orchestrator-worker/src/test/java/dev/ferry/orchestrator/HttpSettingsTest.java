package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpSettingsTest {

  private static final String TOKEN = "0123456789abcdef0123";

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "127.0.0.2", "::1", "localhost"})
  void loopbackNeedsNoToken(String bind) {
    HttpSettings settings = HttpSettings.fromEnvironment(Map.of("FERRY_HTTP_BIND", bind));

    assertThat(settings.bind()).isEqualTo(bind);
    assertThat(settings.token()).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.0.0.0", "::", "203.0.113.7"})
  void listeningBeyondThisMachineWithoutATokenIsRefusedNamingBothSettings(String bind) {
    assertThatThrownBy(() -> HttpSettings.fromEnvironment(Map.of("FERRY_HTTP_BIND", bind)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("FERRY_HTTP_BIND=" + bind)
        .hasMessageContaining("FERRY_HTTP_TOKEN");
  }

  @Test
  void withATokenAnyAddressIsAllowed() {
    HttpSettings settings =
        HttpSettings.fromEnvironment(
            Map.of("FERRY_HTTP_BIND", "0.0.0.0", "FERRY_HTTP_TOKEN", " " + TOKEN + " "));

    assertThat(settings.token()).isEqualTo(TOKEN);
  }

  @Test
  void aShortTokenIsRefused() {
    assertThatThrownBy(() -> HttpSettings.fromEnvironment(Map.of("FERRY_HTTP_TOKEN", "letmein")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("FERRY_HTTP_TOKEN must be at least 16 characters");
  }
}
