package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ReaperSettingsTest {

  @Test
  void reapsEveryMinuteByDefault() {
    assertThat(ReaperSettings.fromEnvironment(Map.of()).interval())
        .isEqualTo(Duration.ofMinutes(1));
    assertThat(ReaperSettings.fromEnvironment(Map.of("FERRY_REAPER_INTERVAL", " ")).interval())
        .isEqualTo(Duration.ofMinutes(1));
  }

  @ParameterizedTest
  @CsvSource({"30s,PT30S", "5m,PT5M", "2h,PT2H", "1500ms,PT1.5S", "PT90S,PT1M30S"})
  void readsShortAndIsoDurations(String value, String expected) {
    assertThat(ReaperSettings.fromEnvironment(Map.of("FERRY_REAPER_INTERVAL", value)).interval())
        .isEqualTo(Duration.parse(expected));
  }

  @ParameterizedTest
  @ValueSource(strings = {"soon", "1 minute", "-PT1M", "500ms", "0s"})
  void namesTheVariableWhenTheIntervalIsBad(String value) {
    assertThatThrownBy(() -> ReaperSettings.fromEnvironment(Map.of("FERRY_REAPER_INTERVAL", value)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("FERRY_REAPER_INTERVAL");
  }
}
