package dev.ferry.providers.awsbatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class WholeNumbersTest {

  @Test
  void dropsTheFractionOfCountsAndTimesOnly() {
    assertThat(
            WholeNumbers.fix(
                "{\"vcpus\": 1.0, \"timestamp\": 1763775645123.456, \"createdAt\": 17.5e0,"
                    + " \"ratio\": 0.5, \"value\": \"2.0\"}"))
        .isEqualTo(
            "{\"vcpus\": 1, \"timestamp\": 1763775645123, \"createdAt\": 17,"
                + " \"ratio\": 0.5, \"value\": \"2.0\"}");
    assertThat(Pattern.matches(".*", WholeNumbers.fix("{}"))).isTrue();
  }
}
