package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.api.CommitState;
import dev.ferry.api.PrCheckOutput;
import dev.ferry.api.SideOutcome;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PullRequestVerdictTest {

  private static SideOutcome ran(int exitCode, long millis) {
    return new SideOutcome(
        new PrCheckOutput(exitCode, Duration.ofMillis(millis), List.of("last"), null),
        Duration.ofSeconds(9),
        null);
  }

  @Test
  void aHeadThatPassesIsSuccess() {
    assertThat(PullRequestVerdict.of(ran(0, 1200), ran(0, 65_400)))
        .isEqualTo(new PullRequestVerdict(CommitState.SUCCESS, "passed (base 1.2s, head 1m05s)"));
  }

  @Test
  void aHeadThatFailsWhereTheBasePassedIsANewFailure() {
    assertThat(PullRequestVerdict.of(ran(0, 100), ran(2, 300)))
        .isEqualTo(
            new PullRequestVerdict(
                CommitState.FAILURE, "new failure: exit 2: last (base 0.1s, head 0.3s)"));
  }

  @Test
  void aHeadThatFailsLikeTheBaseIsAlreadyFailing() {
    assertThat(PullRequestVerdict.of(ran(1, 100), ran(1, 100)).description())
        .startsWith("already failing on base: exit 1: last");
  }

  @Test
  void theSideThatCouldNotRunIsNamedNotTheOneCancelledBecauseOfIt() {
    SideOutcome cancelled = new SideOutcome(null, null, PullRequestSide.CANCELLED);
    SideOutcome noCompute = new SideOutcome(null, null, "quota exceeded");

    assertThat(PullRequestVerdict.of(cancelled, noCompute))
        .isEqualTo(new PullRequestVerdict(CommitState.ERROR, "head could not run: quota exceeded"));
    assertThat(PullRequestVerdict.of(noCompute, cancelled).description())
        .isEqualTo("base could not run: quota exceeded");
  }
}
