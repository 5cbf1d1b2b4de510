package dev.ferry.starter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.AttemptOutcome;
import dev.ferry.api.ComputeSpec;
import dev.ferry.api.ExecutionMode;
import dev.ferry.api.RunRequest;
import dev.ferry.api.RunResult;
import dev.ferry.api.RunTimeouts;
import dev.ferry.api.TeardownReceipt;
import dev.ferry.starter.FerryCliHarness.Invocation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code ferry run} against a real (in-memory) Temporal server. */
class RunCommandTest {

  @RegisterExtension final FerryCliHarness harness = new FerryCliHarness();

  private static final String THOUSAND = "{\"below\":1000}";

  /** Requests the CLI must refuse itself: exit 2, a message naming the problem, no run. */
  static Stream<Arguments> mistakes() {
    return Stream.of(
        mistake("invalid JSON input", "primes --input {bad", "--input is not valid JSON"),
        mistake(
            "input that is not an object", "primes --input [1000]", "input must be a JSON object"),
        mistake("an unknown workload", "bitcoin", "unknown workload 'bitcoin'", "primes", "shell"),
        mistake(
            "invalid workload input",
            "primes --input {\"below\":-5}",
            "invalid input for workload 'primes'",
            "below"),
        mistake("an unknown input field", "primes --input {\"below\":1000,\"above\":3}", "above"),
        mistake(
            "a timeout that is not positive",
            "primes --input " + THOUSAND + " --boot-timeout 0s",
            "timeouts.boot"),
        mistake(
            "a heartbeat timeout above the run timeout",
            "primes --input " + THOUSAND + " --run-timeout 1m --heartbeat-timeout 2m",
            "timeouts.heartbeat",
            "timeouts.run"),
        mistake(
            "a run timeout beyond its bound",
            "primes --input " + THOUSAND + " --run-timeout 8d",
            "timeouts.run must be at most PT168H (7 days)"),
        mistake(
            "a run timeout so large that the lease would overflow",
            "primes --input " + THOUSAND + " --run-timeout 1000000000000d",
            "timeouts.run must be at most PT168H (7 days)"),
        mistake(
            "a boot timeout beyond its bound",
            "primes --input " + THOUSAND + " --boot-timeout 25h",
            "timeouts.boot must be at most PT24H (1 day)"),
        mistake(
            "more attempts than a run's history can hold",
            "primes --input " + THOUSAND + " --attempts 6",
            "maxComputeAttempts must be between 1 and 5"),
        mistake(
            "a duration it cannot read",
            "primes --input " + THOUSAND + " --boot-timeout nonsense",
            "--boot-timeout",
            "nonsense"),
        mistake(
            "a duration too long to hold",
            "primes --input " + THOUSAND + " --run-timeout 9999999999999999d",
            "--run-timeout",
            "too long"),
        mistake(
            "an execution mode it does not know",
            "primes --input " + THOUSAND + " --mode sideways",
            "--mode must be worker or callback, was 'sideways'"),
        mistake(
            "callback mode on the local provider, which runs no image",
            "resize --mode callback --provider local --image my/resizer",
            "--mode callback needs a provider that runs images",
            "local provider"),
        mistake(
            "an unknown workload in worker mode, named explicitly",
            "resize --mode worker",
            "unknown workload 'resize'"),
        mistake(
            "an invalid provider id",
            "primes --input " + THOUSAND + " --provider Not_A_Provider",
            "compute.provider"));
  }

  /** One mistake: {@code args} follow {@code ferry run}, split on spaces. */
  private static Arguments mistake(String what, String args, String... message) {
    return Arguments.of(what, List.of(args.split(" ")), List.of(message));
  }

  @ParameterizedTest(name = "exits two without starting a run on {0}")
  @MethodSource("mistakes")
  void exitsTwoNamingTheProblemWithoutStartingARun(
      String what, List<String> args, List<String> message) {
    List<String> command = new ArrayList<>(List.of("run"));
    command.addAll(args);

    Invocation run = harness.ferry(command.toArray(String[]::new));

    assertThat(run.exitCode()).as(what).isEqualTo(FerryCli.USAGE);
    assertThat(run.err()).contains(message);
    assertThat(run.out()).isEmpty();
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
    assertThat(run.err()).contains("unknown provider 'nowhere'; known providers: docker, local");
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
  void startsACallbackModeRunOfAnyWorkloadNameWithEveryFieldPostRunsTakes() {
    Invocation run =
        harness.ferry(
            "run",
            "resize-images",
            "--mode",
            "callback",
            "--input",
            "{\"bucket\":\"photos\"}",
            "--provider",
            "docker",
            "--image",
            "my/resizer:1",
            "--cpus",
            "0.5",
            "--memory-mb",
            "256",
            "--attempts",
            "2",
            "--boot-timeout",
            "2m",
            "--run-timeout",
            "10m",
            "--heartbeat-timeout",
            "30s",
            "--id",
            "cb1");

    assertThat(run.exitCode()).as(run.err()).isEqualTo(FerryCli.OK);
    RunRequest request = harness.startRequest("cb1");
    assertThat(request.mode()).isEqualTo(ExecutionMode.CALLBACK);
    assertThat(request.workload()).isEqualTo("resize-images");
    assertThat(request.input().path("bucket").asText()).isEqualTo("photos");
    assertThat(request.compute())
        .isEqualTo(new ComputeSpec("docker", "my/resizer:1", 0.5, 256, null, Map.of()));
    assertThat(request.maxComputeAttempts()).isEqualTo(2);
    assertThat(request.timeouts())
        .isEqualTo(
            new RunTimeouts(Duration.ofMinutes(2), Duration.ofMinutes(10), Duration.ofSeconds(30)));
  }

  @Test
  void runsInWorkerModeUnlessToldOtherwise() {
    Invocation run = harness.ferry("run", "primes", "--input", THOUSAND, "--id", "w1");

    assertThat(run.exitCode()).as(run.err()).isEqualTo(FerryCli.OK);
    assertThat(harness.startRequest("w1").mode()).isEqualTo(ExecutionMode.WORKER);
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
