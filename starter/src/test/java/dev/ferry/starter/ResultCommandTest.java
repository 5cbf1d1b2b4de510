package dev.ferry.starter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.ferry.api.RunRequest;
import dev.ferry.api.RunResult;
import dev.ferry.api.RunWorkflow;
import dev.ferry.api.TaskQueues;
import dev.ferry.starter.FerryCliHarness.Invocation;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code ferry result} against a real (in-memory) Temporal server. */
class ResultCommandTest {

  @RegisterExtension final FerryCliHarness harness = new FerryCliHarness();

  @Test
  void printsTheResultOfAFinishedRun() {
    harness.ferry("run", "primes", "--input", "{\"below\":1000}", "--id", "p1", "--wait");

    Invocation result = harness.ferry("result", "p1");

    assertThat(result.exitCode()).as(result.err()).isEqualTo(FerryCli.OK);
    assertThat(result.out()).contains("run p1 succeeded").contains("\"count\":168");
  }

  @Test
  void waitsForARunStillGoingAndPrintsItsResultAsJson() {
    harness.ferry("run", "primes", "--input", "{\"below\":100}", "--id", "p1");

    Invocation result = harness.ferry("result", "p1", "--json");

    assertThat(result.exitCode()).as(result.err()).isEqualTo(FerryCli.OK);
    assertThat(result.json(RunResult.class).output().get("count").asLong()).isEqualTo(25);
    assertThat(result.err()).as("result shows no progress").isEmpty();
  }

  @Test
  void exitsOneForAFailedRun() {
    harness.ferry("run", "primes", "--input", "{\"below\":13}", "--id", "unlucky");

    Invocation result = harness.ferry("result", "unlucky");

    assertThat(result.exitCode()).isEqualTo(FerryCli.RUN_FAILED);
    assertThat(result.err())
        .contains("run unlucky failed: primes failed: out of memory")
        .contains("attempt 1: WORKLOAD_FAILED");
  }

  @Test
  void exitsTwoForARunTheWorkflowRejected() {
    // ferry run refuses this input itself; another client (or an older CLI) can still start it.
    JsonNode belowOne = JsonNodeFactory.instance.objectNode().put("below", 1);
    RunWorkflow run =
        harness
            .client()
            .newWorkflowStub(
                RunWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId("rejected")
                    .setTaskQueue(TaskQueues.ORCHESTRATOR)
                    .build());
    WorkflowClient.start(run::run, RunRequest.of("primes", belowOne));

    Invocation result = harness.ferry("result", "rejected");

    assertThat(result.exitCode()).as(result.err()).isEqualTo(FerryCli.USAGE);
    assertThat(result.err())
        .contains("run rejected failed: invalid input for workload 'primes'")
        .contains("below must be between 2 and");
  }

  @Test
  void exitsTwoForAnUnknownId() {
    Invocation result = harness.ferry("result", "no-such-run");

    assertThat(result.exitCode()).isEqualTo(FerryCli.USAGE);
    assertThat(result.err()).contains("no run with id 'no-such-run'");
  }
}
