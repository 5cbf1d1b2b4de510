package dev.ferry.starter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.RunPhase;
import dev.ferry.api.RunWorkflow;
import dev.ferry.api.TaskQueues;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh in-memory Temporal server per test, with {@link ScriptedRunWorkflow} polling the
 * orchestrator's queue, and the CLI pointed at it. Time runs for real: runs that wait for a
 * cancellation must not be skipped to their end.
 */
final class FerryCliHarness implements BeforeEachCallback, AfterEachCallback {

  /** Long enough for a busy build machine, short enough that a hang fails the test quickly. */
  private static final Duration PATIENCE = Duration.ofSeconds(10);

  private TestWorkflowEnvironment env;
  private FerryCli cli;

  /** What one command line printed, and its exit code. */
  record Invocation(int exitCode, String out, String err) {

    JsonNode json() {
      try {
        return FerryCli.JSON.readTree(out);
      } catch (JsonProcessingException e) {
        throw new AssertionError("stdout is not JSON: " + out, e);
      }
    }

    <T> T json(Class<T> type) {
      try {
        return FerryCli.JSON.readValue(out, type);
      } catch (JsonProcessingException e) {
        throw new AssertionError("stdout is not a " + type.getSimpleName() + ": " + out, e);
      }
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
    env.newWorker(TaskQueues.ORCHESTRATOR)
        .registerWorkflowImplementationTypes(ScriptedRunWorkflow.class);
    env.start();
    cli = new FerryCli(env::getWorkflowClient, Duration.ofMillis(50));
  }

  @Override
  public void afterEach(ExtensionContext context) {
    env.close();
  }

  /** Runs {@code ferry ARGS} in this process. */
  Invocation ferry(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exitCode =
        cli.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Invocation(
        exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  WorkflowClient client() {
    return env.getWorkflowClient();
  }

  /** Starts a run that reports progress until it is cancelled, and waits until it is running. */
  void startEndlessRun(String workflowId) {
    Invocation started =
        ferry(
            "run",
            "primes",
            "--input",
            "{\"below\":" + ScriptedRunWorkflow.ENDLESS_BELOW + "}",
            "--id",
            workflowId);
    assertThat(started.exitCode()).as(started.err()).isZero();
    awaitPhase(workflowId, RunPhase.RUNNING);
  }

  /** Waits until the run's status query reports the phase. */
  void awaitPhase(String workflowId, RunPhase phase) {
    RunWorkflow run = client().newWorkflowStub(RunWorkflow.class, workflowId);
    Instant deadline = Instant.now().plus(PATIENCE);
    RunPhase seen = null;
    while (Instant.now().isBefore(deadline)) {
      try {
        seen = run.status().phase();
        if (seen == phase) {
          return;
        }
      } catch (WorkflowException notReadyYet) {
        // Its first workflow task has not completed.
      }
      sleep(Duration.ofMillis(20));
    }
    throw new AssertionError(workflowId + " never reached " + phase + "; last seen " + seen);
  }

  /** The request a run was started with, as its history holds it. */
  dev.ferry.api.RunRequest startRequest(String workflowId) {
    var started =
        client()
            .fetchHistory(workflowId)
            .getHistory()
            .getEvents(0)
            .getWorkflowExecutionStartedEventAttributes();
    return client()
        .getOptions()
        .getDataConverter()
        .fromPayloads(
            0,
            java.util.Optional.of(started.getInput()),
            dev.ferry.api.RunRequest.class,
            dev.ferry.api.RunRequest.class);
  }

  /** The ids of every workflow the server has seen start, open or closed. */
  List<String> startedWorkflowIds() {
    var stub = env.getWorkflowServiceStubs().blockingStub();
    List<WorkflowExecutionInfo> infos = new ArrayList<>();
    infos.addAll(
        stub.listOpenWorkflowExecutions(
                ListOpenWorkflowExecutionsRequest.newBuilder()
                    .setNamespace(env.getNamespace())
                    .build())
            .getExecutionsList());
    infos.addAll(
        stub.listClosedWorkflowExecutions(
                ListClosedWorkflowExecutionsRequest.newBuilder()
                    .setNamespace(env.getNamespace())
                    .build())
            .getExecutionsList());
    return infos.stream().map(i -> i.getExecution().getWorkflowId()).toList();
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
