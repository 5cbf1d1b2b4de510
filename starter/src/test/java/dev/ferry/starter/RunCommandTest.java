package dev.ferry.starter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.AttemptOutcome;
import dev.ferry.api.RunResult;
import dev.ferry.api.TeardownReceipt;
import dev.ferry.starter.FerryCliHarness.Invocation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code ferry run} against a real (in-memory) Temporal server. */
class RunCommandTest {

  @RegisterExtension final FerryCliHarness harness = new FerryCliHarness();

  private static final String THOUSAND = "{\"below\":1000}";

  @Test
  void exitsTwoOnInvalidJsonInputWithoutStartingARun() {
    Invocation run = harness.ferry("run", "primes", "--input", "{bad");

    assertThat(run.exitCode()).isEqualTo(FerryCli.USAGE);
    assertThat(run.err()).contains("--input is not valid JSON");
    assertThat(run.out()).isEmpty();
    assertThat(harness.startedWorkflowIds()).isEmpty();
  }

  @Test
  void exitsTwoOnInputThatIsNotAnObject() {
    Invocation run = harness.ferry("run", "primes", "--input", "[1000]");

    assertThat(run.exitCode()).isEqualTo(FerryCli.USAGE);
    assertThat(run.err()).contains("input must be a JSON object");
    assertThat(harness.startedWorkflowIds()).isEmpty();
  }

  @Test
  void exitsTwoNamingTheUnknownWorkloadAndTheKnownOnes() {
    Invocation run = harness.ferry("run", "bitcoin");

    assertThat(run.exitCode()).isEqualTo(FerryCli.USAGE);
    assertThat(run.err()).contains("unknown workload 'bitcoin'").contains("primes", "shell");
    assertThat(harness.startedWorkflowIds()).isEmpty();
  }

  @Test
  void exitsTwoNamingTheFieldOfInvalidWorkloadInput() {
    Invocation run = harness.ferry("run", "primes", "--input", "{\"below\":-5}");

    assertThat(run.exitCode()).isEqualTo(FerryCli.USAGE);
    assertThat(run.err()).contains("invalid input for workload 'primes'").contains("below");
    assertThat(harness.startedWorkflowIds()).isEmpty();
  }

  @Test
  void exitsTwoNamingAnUnknownInputField() {
    Invocation run = harness.ferry("run", "primes", "--input", "{\"below\":1000,\"above\":3}");

    assertThat(run.exitCode()).isEqualTo(FerryCli.USAGE);
    assertThat(run.err()).contains("above");
    assertThat(harness.startedWorkflowIds()).isEmpty();
  }

  @Test
  void exitsTwoNamingTheTimeoutThatIsNotPositive() {
    Invocation run = harness.ferry("run", "primes", "--input", THOUSAND, "--boot-timeout", "0s");

    assertThat(run.exitCode()).isEqualTo(FerryCli.USAGE);
    assertThat(run.err()).contains("timeouts.boot");
    assertThat(harness.startedWorkflowIds()).isEmpty();
  }

  @Test
  void exitsTwoWhenHeartbeatTimeoutExceedsRunTimeout() {
    Invocation run =
        harness.ferry(
            "run",
            "primes",
            "--input",
            THOUSAND,
            "--run-timeout",
            "1m",
            "--heartbeat-timeout",
            "2m");

    assertThat(run.exitCode()).isEqualTo(FerryCli.USAGE);
    assertThat(run.err()).contains("timeouts.heartbeat", "timeouts.run");
    assertThat(harness.startedWorkflowIds()).isEmpty();
  }

  @Test
  void exitsTwoOnADurationItCannotRead() {
    Invocation run =
        harness.ferry("run", "primes", "--input", THOUSAND, "--boot-timeout", "nonsense");

    assertThat(run.exitCode()).isEqualTo(FerryCli.USAGE);
    assertThat(run.err()).contains("--boot-timeout").contains("nonsense");
    assertThat(harness.startedWorkflowIds()).isEmpty();
  }

  @Test
  void exitsTwoOnADurationTooLongToHold() {
    Invocation run =
        harness.ferry("run", "primes", "--input", THOUSAND, "--run-timeout", "9999999999999999d");

    assertThat(run.exitCode()).isEqualTo(FerryCli.USAGE);
    assertThat(run.err()).contains("--run-timeout").contains("too long");
    assertThat(harness.startedWorkflowIds()).isEmpty();
  }

  @Test
  void exitsTwoOnAnInvalidComputeSpec() {
    Invocation run =
        harness.ferry("run", "primes", "--input", THOUSAND, "--provider", "Not A Provider");

    assertThat(run.exitCode()).isEqualTo(FerryCli.USAGE);
    assertThat(run.err()).contains("compute.provider");
    assertThat(harness.startedWorkflowIds()).isEmpty();
  }

  @Test
  void printsTheResultAsJsonAndProgressOnStderrWhenWaiting() {
    Invocation run = harness.ferry("run", "primes", "--input", THOUSAND, "--wait", "--json");

    assertThat(run.exitCode()).as(run.err()).isEqualTo(FerryCli.OK);
    RunResult result = run.json(RunResult.class);
    assertThat(result.workload()).isEqualTo("primes");
    assertThat(result.output().get("below").asLong()).isEqualTo(1000);
    assertThat(result.output().get("count").asLong()).isEqualTo(168);
    assertThat(result.elapsed()).isPositive();
    assertThat(result.attempts())
        .singleElement()
        .satisfies(
            attempt -> {
              assertThat(attempt.outcome()).isEqualTo(AttemptOutcome.SUCCEEDED);
              TeardownReceipt receipt = attempt.teardown();
              assertThat(receipt.found()).isTrue();
              assertThat(receipt.exitCode()).isZero();
              assertThat(receipt.removedAt()).isEqualTo(ScriptedRunWorkflow.REMOVED_AT);
              assertThat(receipt.logTail()).last().isEqualTo("counted 168 primes");
            });
    assertThat(run.out().lines()).hasSize(1);
    assertThat(run.err()).contains("started run-primes-").contains("[RUNNING] attempt 1/3");
  }

  @Test
  void printsTheResultAsTextWhenWaiting() {
    Invocation run = harness.ferry("run", "primes", "--input", THOUSAND, "--wait", "--id", "p1");

    assertThat(run.exitCode()).as(run.err()).isEqualTo(FerryCli.OK);
    assertThat(run.out())
        .contains("run p1 succeeded in")
        .contains("result: {\"below\":1000,\"count\":168}")
        .contains("attempt 1: SUCCEEDED on local ferry-p1")
        .contains("torn down at " + ScriptedRunWorkflow.REMOVED_AT)
        .contains("exit code 0")
        .contains("last log line: counted 168 primes");
    assertThat(run.err())
        .contains("started p1")
        .contains("[RUNNING] attempt 1/3 on local ferry-p1");
  }

  @Test
  void exitsOneNamingTheReasonAndTheAttemptWhenTheRunFails() {
    Invocation run =
        harness.ferry("run", "primes", "--input", "{\"below\":13}", "--wait", "--id", "unlucky");

    assertThat(run.exitCode()).isEqualTo(FerryCli.RUN_FAILED);
    assertThat(run.err())
        .contains("run unlucky failed: primes failed: out of memory")
        .contains("attempt 1: WORKLOAD_FAILED on local ferry-unlucky")
        .contains("exit code 3")
        .contains("last log line: out of memory");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void printsTheFailureAsJsonWhenTheRunFails() {
    Invocation run =
        harness.ferry(
            "run", "primes", "--input", "{\"below\":13}", "--wait", "--json", "--id", "unlucky");

    assertThat(run.exitCode()).isEqualTo(FerryCli.RUN_FAILED);
    JsonNode failure = run.json();
    assertThat(failure.get("workflowId").asText()).isEqualTo("unlucky");
    assertThat(failure.get("type").asText()).isEqualTo("WorkloadFailed");
    assertThat(failure.get("failure").asText()).isEqualTo("primes failed: out of memory");
    assertThat(failure.get("attempts")).hasSize(1);
    assertThat(failure.get("attempts").get(0).get("teardown").get("exitCode").asInt()).isEqualTo(3);
  }

  @Test
  void exitsTwoWhenTheWorkflowRejectsTheRequest() {
    Invocation run = harness.ferry("run", "primes", "--input", "{\"below\":2}", "--wait");

    assertThat(run.exitCode()).isEqualTo(FerryCli.USAGE);
    assertThat(run.err()).contains("below=2 leaves no number to test");
  }

  @Test
  void exitsTwoWhenTheWorkflowRejectsTheComputeSpec() {
    Invocation run =
        harness.ferry(
            "run",
            "primes",
            "--input",
            THOUSAND,
            "--provider",
            ScriptedRunWorkflow.UNKNOWN_PROVIDER,
            "--wait");

    assertThat(run.exitCode()).isEqualTo(FerryCli.USAGE);
    assertThat(run.err()).contains("unknown provider 'nowhere'");
  }

  @Test
  void printsTheGeneratedIdAndReturnsAtOnceWithoutWait() {
    Invocation run =
        harness.ferry(
            "run", "primes", "--input", "{\"below\":" + ScriptedRunWorkflow.ENDLESS_BELOW + "}");

    assertThat(run.exitCode()).as(run.err()).isEqualTo(FerryCli.OK);
    assertThat(run.out()).startsWith("started run-primes-");
    String workflowId = run.out().strip().substring("started ".length());
    assertThat(harness.startedWorkflowIds()).containsExactly(workflowId);
  }

  @Test
  void printsTheIdsAsJsonWithoutWait() {
    Invocation run = harness.ferry("run", "primes", "--input", THOUSAND, "--id", "p1", "--json");

    assertThat(run.exitCode()).as(run.err()).isEqualTo(FerryCli.OK);
    JsonNode started = run.json();
    assertThat(started.get("workflowId").asText()).isEqualTo("p1");
    assertThat(started.get("runId").asText()).isNotBlank();
  }

  @Test
  void usesTheGivenId() {
    Invocation run = harness.ferry("run", "primes", "--input", THOUSAND, "--id", "my-run");

    assertThat(run.exitCode()).as(run.err()).isEqualTo(FerryCli.OK);
    assertThat(run.out().strip()).isEqualTo("started my-run");
    assertThat(harness.startedWorkflowIds()).containsExactly("my-run");
  }

  @Test
  void exitsTwoWhenARunWithTheSameIdIsStillRunning() {
    harness.startEndlessRun("busy");

    Invocation second = harness.ferry("run", "primes", "--input", THOUSAND, "--id", "busy");

    assertThat(second.exitCode()).isEqualTo(FerryCli.USAGE);
    assertThat(second.err()).contains("'busy'").contains("already running");
    assertThat(harness.startedWorkflowIds()).containsExactly("busy");
  }

  @Test
  void reusesTheIdOfARunThatHasEnded() {
    assertThat(
            harness
                .ferry("run", "primes", "--input", THOUSAND, "--id", "again", "--wait")
                .exitCode())
        .isEqualTo(FerryCli.OK);

    Invocation second =
        harness.ferry("run", "primes", "--input", THOUSAND, "--id", "again", "--wait");

    assertThat(second.exitCode()).as(second.err()).isEqualTo(FerryCli.OK);
  }
}
