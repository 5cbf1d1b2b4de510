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
    assertThatThrownBy(() -> Bounds.checked(new RunTimeouts(Duration.ZERO, null, null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeouts.boot must be positive, was PT0S");
    assertThatThrownBy(() -> Bounds.checked(new RunTimeouts(null, Duration.ofSeconds(-1), null)))
        .hasMessage("timeouts.run must be positive, was PT-1S");
    assertThatThrownBy(() -> Bounds.checked(new RunTimeouts(null, null, Duration.ZERO)))
        .hasMessage("timeouts.heartbeat must be positive, was PT0S");
  }

  @Test
  void allowsAHeartbeatTimeoutUpToTheRunTimeoutButNotBeyond() {
    Duration run = Duration.ofMinutes(1);

    assertThat(new RunTimeouts(null, run, run).heartbeat()).isEqualTo(run);
    assertThatThrownBy(() -> Bounds.checked(new RunTimeouts(null, run, run.plusNanos(1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeouts.heartbeat")
        .hasMessageContaining("must not exceed timeouts.run (PT1M)");
  }

  @Test
  void acceptsEachTimeoutUpToItsBound() {
    RunTimeouts longest =
        new RunTimeouts(RunTimeouts.MAX_BOOT, RunTimeouts.MAX_RUN, RunTimeouts.MAX_HEARTBEAT);

    assertThat(longest.run()).isEqualTo(Duration.ofDays(7));
    assertThat(longest.boot()).isEqualTo(Duration.ofDays(1));
    assertThat(longest.heartbeat()).isEqualTo(Duration.ofDays(1));
  }

  @Test
  void rejectsATimeoutBeyondItsBoundNamingTheFieldAndTheMaximum() {
    assertThatThrownBy(
            () -> Bounds.checked(new RunTimeouts(RunTimeouts.MAX_BOOT.plusNanos(1), null, null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("timeouts.boot must be at most PT24H (1 day), was");
    assertThatThrownBy(
            () -> Bounds.checked(new RunTimeouts(null, RunTimeouts.MAX_RUN.plusSeconds(1), null)))
        .hasMessage("timeouts.run must be at most PT168H (7 days), was PT168H1S");
    assertThatThrownBy(
            () ->
                Bounds.checked(
                    new RunTimeouts(null, null, RunTimeouts.MAX_HEARTBEAT.plusSeconds(1))))
        .hasMessage("timeouts.heartbeat must be at most PT24H (1 day), was PT24H1S");
  }

  @Test
  void rejectsATimeoutSoLargeThatLeaseArithmeticWouldOverflow() {
    Duration huge = Duration.ofSeconds(Long.MAX_VALUE);

    assertThatThrownBy(() -> Bounds.checked(new RunTimeouts(null, huge, null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("timeouts.run must be at most PT168H (7 days), was PT");
    assertThatThrownBy(() -> Bounds.checked(new RunTimeouts(huge, null, null)))
        .hasMessageStartingWith("timeouts.boot must be at most PT24H (1 day)");
  }
}
