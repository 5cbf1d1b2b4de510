package dev.ferry.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RunTimeoutsTest {

  @Test
  void fillsUnsetTimeoutsWithTheDefaults() {
    assertThat(RunTimeouts.defaults())
        .isEqualTo(
            new RunTimeouts(
                RunTimeouts.DEFAULT_BOOT, RunTimeouts.DEFAULT_RUN, RunTimeouts.DEFAULT_HEARTBEAT));
    assertThat(new RunTimeouts(Duration.ofSeconds(7), null, null).boot())
        .isEqualTo(Duration.ofSeconds(7));
  }

  @Test
  void rejectsTimeoutsThatAreNotPositive() {
    assertThatThrownBy(() -> new RunTimeouts(Duration.ZERO, null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeouts.boot must be positive, was PT0S");
    assertThatThrownBy(() -> new RunTimeouts(null, Duration.ofSeconds(-1), null))
        .hasMessage("timeouts.run must be positive, was PT-1S");
    assertThatThrownBy(() -> new RunTimeouts(null, null, Duration.ZERO))
        .hasMessage("timeouts.heartbeat must be positive, was PT0S");
  }

  @Test
  void allowsAHeartbeatTimeoutUpToTheRunTimeoutButNotBeyond() {
    Duration run = Duration.ofMinutes(1);

    assertThat(new RunTimeouts(null, run, run).heartbeat()).isEqualTo(run);
    assertThatThrownBy(() -> new RunTimeouts(null, run, run.plusNanos(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeouts.heartbeat")
        .hasMessageContaining("must not exceed timeouts.run (PT1M)");
  }
}
