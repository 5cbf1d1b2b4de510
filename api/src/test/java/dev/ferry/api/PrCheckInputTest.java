package dev.ferry.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PrCheckInputTest {

  private static final String SHA = "0123456789abcdef0123456789abcdef01234567";

  @Test
  void readsTheTimeLimitAsAnIsoDurationAndDefaultsTheRest() throws Exception {
    PrCheckInput input =
        Workload.PR_CHECK.read(
            new ObjectMapper()
                .readTree(
                    "{\"cloneUrl\":\"file:///r\",\"sha\":\"" + SHA + "\",\"timeLimit\":\"PT2M\"}"),
            PrCheckInput.class);

    assertThat(input.timeLimit()).isEqualTo(Duration.ofMinutes(2));
    assertThat(input.command()).isNull();
  }

  @Test
  void rejectsUrlsThatAreNeitherHttpsNorFile() {
    assertThatThrownBy(() -> new PrCheckInput("ssh://git@example.com/r", SHA, null, null))
        .hasMessageContaining("cloneUrl must be an https:// or file:// URL");
  }

  @Test
  void acceptsPlainHttpOnlyOnLoopback() {
    assertThat(new PrCheckInput("http://127.0.0.1:8080/r.git", SHA, null, null).cloneUrl())
        .isEqualTo("http://127.0.0.1:8080/r.git");
    assertThatThrownBy(() -> new PrCheckInput("http://example.com/r.git", SHA, null, null))
        .hasMessageContaining("http:// only on loopback");
    assertThatThrownBy(() -> new PrCheckInput("http://127.0.0.1.evil.example/r", SHA, null, null))
        .hasMessageContaining("http:// only on loopback");
  }

  @Test
  void rejectsAShortSha() {
    assertThatThrownBy(() -> new PrCheckInput("https://example.com/r.git", "abc123", null, null))
        .hasMessageContaining("sha must be a full 40-character");
  }

  @Test
  void rejectsANonPositiveTimeLimit() {
    assertThatThrownBy(
            () -> new PrCheckInput("https://example.com/r.git", SHA, null, Duration.ZERO))
        .hasMessageContaining("timeLimit must be positive");
  }
}
