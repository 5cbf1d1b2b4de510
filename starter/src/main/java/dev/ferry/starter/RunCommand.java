package dev.ferry.starter;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.ComputeSpec;
import dev.ferry.api.ExecutionMode;
import dev.ferry.api.RequestBounds;
import dev.ferry.api.RunRequest;
import dev.ferry.api.RunTimeouts;
import dev.ferry.api.RunWorkflow;
import dev.ferry.api.StrictJson;
import dev.ferry.api.TaskQueues;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ferry run WORKLOAD}: starts a run, and with {@code --wait} follows it to its end. */
@Command(name = "run", description = "Start a run of WORKLOAD on ephemeral compute.")
final class RunCommand implements Callable<Integer> {

  private final CliContext context;

  @Parameters(
      index = "0",
      paramLabel = "WORKLOAD",
      description = "primes, shell or pr-check; with --mode callback, any name the image reads")
  String workload;

  @Option(names = "--input", paramLabel = "JSON", description = "workload input (a JSON object)")
  String input = "{}";

  @Option(names = "--provider", paramLabel = "ID", description = "local, docker, ...")
  String provider;

  @Option(names = "--image", description = "external-worker image")
  String image;

  @Option(names = "--cpus", description = "CPUs to reserve")
  double cpus;

  @Option(names = "--memory-mb", paramLabel = "MIB", description = "memory limit")
  int memoryMb;

  @Option(names = "--boot-timeout", paramLabel = "DURATION")
  Duration bootTimeout;

  @Option(names = "--run-timeout", paramLabel = "DURATION")
  Duration runTimeout;

  @Option(names = "--heartbeat-timeout", paramLabel = "DURATION")
  Duration heartbeatTimeout;

  @Option(names = "--attempts", description = "most fresh computes to use (default 3, at most 5)")
  int attempts;

  @Option(
      names = "--mode",
      paramLabel = "worker|callback",
      description =
          "worker (default): the compute runs Ferry's worker; callback: it runs --image, which"
              + " reports through FERRY_CALLBACK_URL")
  String mode;

  @Option(names = "--id", description = "workflow id (default: generated)")
  String id;

  @Option(names = "--wait", description = "follow the run to its end")
  boolean waitForEnd;

  @Option(names = "--json", description = "machine-readable output on stdout")
  boolean json;

  RunCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    RunRequest request = request();
    String workflowId = id != null ? id : "run-" + workload + "-" + shortId();
    RunWorkflow run =
        context
            .client()
            .get()
            .newWorkflowStub(
                RunWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(workflowId)
                    .setTaskQueue(TaskQueues.ORCHESTRATOR)
                    .build());
    WorkflowExecution execution;
    try {
      execution = WorkflowClient.start(run::run, request);
    } catch (WorkflowExecutionAlreadyStarted e) {
      throw new FerryCli.UsageException("a run with id '" + workflowId + "' is already running");
    }
    if (!waitForEnd) {
      if (json) {
        context
            .out()
            .println(Output.json(Map.of("workflowId", workflowId, "runId", execution.getRunId())));
      } else {
        context.out().println("started " + workflowId);
      }
      return FerryCli.OK;
    }
    context.err().println("started " + workflowId);
    return new RunWaiter(context, json).await(workflowId, true);
  }

  /** The request, validated here so that a mistake costs no workflow and no compute. */
  private RunRequest request() {
    JsonNode inputNode;
    try {
      inputNode = StrictJson.readTree(input);
    } catch (StrictJson.Invalid e) {
      throw new FerryCli.UsageException("--input is not valid JSON: " + e.getMessage());
    }
    if (!inputNode.isObject()) {
      throw new FerryCli.UsageException(
          "--input must be a JSON object, was " + inputNode.getNodeType());
    }
    RunRequest request =
        new RunRequest(
            workload,
            inputNode,
            new ComputeSpec(provider, image, cpus, memoryMb, null, Map.of()),
            new RunTimeouts(bootTimeout, runTimeout, heartbeatTimeout),
            attempts,
            executionMode(),
            null);
    RequestBounds.violation(id, request)
        .ifPresent(
            v -> {
              throw new FerryCli.UsageException(
                  OPTIONS.getOrDefault(v.field(), v.field()) + ": " + v.message());
            });
    if (request.mode() == ExecutionMode.CALLBACK && LOCAL_PROVIDER.equals(provider)) {
      throw new FerryCli.UsageException(CALLBACK_ON_LOCAL);
    }
    return request;
  }

  /** The option that sets each field {@link RequestBounds} names. */
  private static final Map<String, String> OPTIONS =
      Map.ofEntries(
          Map.entry("id", "--id"),
          Map.entry("workload", "WORKLOAD"),
          Map.entry("input", "--input"),
          Map.entry("compute.provider", "--provider"),
          Map.entry("compute.image", "--image"),
          Map.entry("compute.cpus", "--cpus"),
          Map.entry("compute.memoryMb", "--memory-mb"),
          Map.entry("timeouts.boot", "--boot-timeout"),
          Map.entry("timeouts.run", "--run-timeout"),
          Map.entry("timeouts.heartbeat", "--heartbeat-timeout"),
          Map.entry("maxComputeAttempts", "--attempts"));

  /** The local provider's id: it runs Ferry's worker jar, never an image. */
  static final String LOCAL_PROVIDER = "local";

  static final String CALLBACK_ON_LOCAL =
      "--mode callback needs a provider that runs images (docker, aws-batch, do-app, do-droplet):"
          + " the local provider runs only Ferry's own worker";

  private ExecutionMode executionMode() {
    if (mode == null || mode.equals("worker")) {
      return ExecutionMode.WORKER;
    }
    if (mode.equals("callback")) {
      return ExecutionMode.CALLBACK;
    }
    throw new FerryCli.UsageException("--mode must be worker or callback, was '" + mode + "'");
  }

  private static String shortId() {
    return UUID.randomUUID().toString().substring(0, 8);
  }
}
