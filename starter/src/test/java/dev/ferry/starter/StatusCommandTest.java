package dev.ferry.starter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.api.RunPhase;
import dev.ferry.api.RunStatus;
import dev.ferry.starter.FerryCliHarness.Invocation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code ferry status} against a real (in-memory) Temporal server. */
class StatusCommandTest {

  @RegisterExtension final FerryCliHarness harness = new FerryCliHarness();

  @Test
  void showsPhaseAttemptComputeAndProgressOfARunningRun() {
    harness.startEndlessRun("busy");

    Invocation status = harness.ferry("status", "busy");

    assertThat(status.exitCode()).as(status.err()).isEqualTo(FerryCli.OK);
    assertThat(status.out())
        .startsWith("busy [RUNNING] attempt 1/3 on local ferry-busy · 25.0% · sieving segment 3")
        .contains("started ")
        .contains("in this phase since ");
  }

  @Test
  void printsTheStatusAsJson() {
    harness.startEndlessRun("busy");

    Invocation status = harness.ferry("status", "busy", "--json");

    assertThat(status.exitCode()).as(status.err()).isEqualTo(FerryCli.OK);
    RunStatus parsed = status.json(RunStatus.class);
    assertThat(parsed.phase()).isEqualTo(RunPhase.RUNNING);
    assertThat(parsed.attempt()).isEqualTo(1);
    assertThat(parsed.maxAttempts()).isEqualTo(3);
    assertThat(parsed.compute().name()).isEqualTo("ferry-busy");
    assertThat(parsed.progress()).isEqualTo(ScriptedRunWorkflow.ENDLESS_PROGRESS);
    assertThat(parsed.startedAt()).isNotNull();
    assertThat(parsed.attempts()).isEmpty();
  }

  @Test
  void showsTheEndedAttemptsOfAFinishedRun() {
    assertThat(
            harness
                .ferry("run", "primes", "--input", "{\"below\":13}", "--id", "unlucky", "--wait")
                .exitCode())
        .isEqualTo(FerryCli.RUN_FAILED);

    Invocation status = harness.ferry("status", "unlucky");

    assertThat(status.exitCode()).as(status.err()).isEqualTo(FerryCli.OK);
    assertThat(status.out())
        .contains("unlucky [FAILED]")
        .contains("primes failed: out of memory")
        .contains("  attempt 1: WORKLOAD_FAILED");
  }

  @Test
  void exitsTwoForAnUnknownId() {
    Invocation status = harness.ferry("status", "no-such-run");

    assertThat(status.exitCode()).isEqualTo(FerryCli.USAGE);
    assertThat(status.err()).contains("no run with id 'no-such-run'");
    assertThat(status.out()).isEmpty();
  }
}
