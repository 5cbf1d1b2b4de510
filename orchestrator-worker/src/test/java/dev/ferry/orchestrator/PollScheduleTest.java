package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.api.RunTimeouts;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The backed-off looks at a compute: how long each wait is, and how many looks a phase costs. */
class PollScheduleTest {

  @Test
  void looksOftenAtFirstThenATenthOfTheTimeSpentUpToTheCap() {
    assertThat(ComputeAttempt.wait(ComputeAttempt.BOOT_POLL, Duration.ZERO))
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(ComputeAttempt.wait(ComputeAttempt.RUN_POLL, Duration.ofSeconds(50)))
        .isEqualTo(Duration.ofSeconds(10));
    assertThat(ComputeAttempt.wait(ComputeAttempt.RUN_POLL, Duration.ofMinutes(30)))
        .isEqualTo(Duration.ofMinutes(3));
    assertThat(ComputeAttempt.wait(ComputeAttempt.RUN_POLL, Duration.ofDays(6)))
        .isEqualTo(ComputeAttempt.MAX_POLL);
  }

  @Test
  void anAttemptAtTheLongestTimeoutsTakesAtMostTheStatedNumberOfLooks() {
    int boot = looks(ComputeAttempt.BOOT_POLL, RunTimeouts.MAX_BOOT);
    int run = looks(ComputeAttempt.RUN_POLL, RunTimeouts.MAX_RUN);

    assertThat(boot).isEqualTo(204);
    assertThat(run).isEqualTo(1051);
    assertThat(boot + run).isLessThanOrEqualTo(ComputeAttempt.MAX_LOOKS_PER_ATTEMPT);
  }

  @Test
  void theDefaultTimeoutsCostFewLooks() {
    assertThat(looks(ComputeAttempt.BOOT_POLL, RunTimeouts.DEFAULT_BOOT)).isEqualTo(39);
    assertThat(looks(ComputeAttempt.RUN_POLL, RunTimeouts.DEFAULT_RUN)).isEqualTo(55);
  }

  /** Looks the watch loop takes in a phase that lasts {@code length}, as the loop computes them. */
  static int looks(Duration floor, Duration length) {
    Duration elapsed = Duration.ZERO;
    int looks = 0;
    while (elapsed.compareTo(length) < 0) {
      elapsed = elapsed.plus(ComputeAttempt.wait(floor, elapsed));
      looks++;
    }
    return looks;
  }
}
