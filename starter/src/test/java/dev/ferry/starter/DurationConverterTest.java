package dev.ferry.starter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationConverterTest {

  @ParameterizedTest
  @CsvSource({
    "250ms, PT0.25S",
    "90s, PT1M30S",
    "5m, PT5M",
    "2h, PT2H",
    "1d, PT24H",
    "0s, PT0S",
    "PT5M, PT5M",
    "P1DT2H, PT26H",
  })
  void readsShortAndIsoDurations(String text, String expected) {
    assertThat(DurationConverter.parse(text)).isEqualTo(Duration.parse(expected));
  }

  @Test
  void ignoresSurroundingWhitespace() {
    assertThat(DurationConverter.parse(" 5m ")).isEqualTo(Duration.ofMinutes(5));
  }

  @ParameterizedTest
  @ValueSource(strings = {"garbage", "", "5", "5 m", "5min", "1.5h", "m5", "-"})
  void rejectsWhatIsNotADurationWithAnExample(String text) {
    assertThatThrownBy(() -> DurationConverter.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + text + "' is not a duration")
        .hasMessageContaining("90s");
  }

  @ParameterizedTest
  @ValueSource(strings = {"99999999999999999999s", "9999999999999999d"})
  void rejectsDurationsTooLongToHold(String text) {
    assertThatThrownBy(() -> DurationConverter.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(text);
  }
}
