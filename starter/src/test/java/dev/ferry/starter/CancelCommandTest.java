package dev.ferry.starter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.api.AttemptOutcome;
import dev.ferry.api.RunPhase;
import dev.ferry.api.RunStatus;
import dev.ferry.starter.FerryCliHarness.Invocation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code ferry cancel} against a real (in-memory) Temporal server. */
class CancelCommandTest {

  @RegisterExtension final FerryCliHarness harness = new FerryCliHarness();

  @Test
  void cancelsARunningRunWhichThenEndsCancelled() {
    harness.startEndlessRun("busy");

    Invocation cancel = harness.ferry("cancel", "busy");

    assertThat(cancel.exitCode()).as(cancel.err()).isEqualTo(FerryCli.OK);
    assertThat(cancel.out()).contains("cancel requested for busy");
    Invocation result = harness.ferry("result", "busy");
    assertThat(result.exitCode()).isEqualTo(FerryCli.RUN_FAILED);
    assertThat(result.err()).contains("run busy was cancelled");
    RunStatus status = harness.ferry("status", "busy", "--json").json(RunStatus.class);
    assertThat(status.phase()).isEqualTo(RunPhase.CANCELLED);
    assertThat(status.attempts())
        .singleElement()
        .satisfies(a -> assertThat(a.outcome()).isEqualTo(AttemptOutcome.CANCELLED));
  }

  @Test
  void endsAWaitingRunCommandWithExitOne() {
    harness.startEndlessRun("busy");
    assertThat(harness.ferry("cancel", "busy").exitCode()).isEqualTo(FerryCli.OK);

    Invocation result = harness.ferry("result", "busy", "--json");

    assertThat(result.exitCode()).isEqualTo(FerryCli.RUN_FAILED);
    assertThat(result.out()).isEmpty();
  }

  @Test
  void exitsTwoForARunThatHasEnded() {
    harness.ferry("run", "primes", "--input", "{\"below\":100}", "--id", "done", "--wait");

    Invocation cancel = harness.ferry("cancel", "done");

    assertThat(cancel.exitCode()).isEqualTo(FerryCli.USAGE);
    assertThat(cancel.err()).contains("run 'done' has already ended (COMPLETED)");
    assertThat(cancel.out()).isEmpty();
  }

  @Test
  void exitsTwoForAnUnknownId() {
    Invocation cancel = harness.ferry("cancel", "no-such-run");

    assertThat(cancel.exitCode()).isEqualTo(FerryCli.USAGE);
    assertThat(cancel.err()).contains("no running run with id 'no-such-run'");
  }
}
