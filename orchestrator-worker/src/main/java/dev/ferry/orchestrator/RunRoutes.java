package dev.ferry.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.ComputeSpec;
import dev.ferry.api.ExecutionMode;
import dev.ferry.api.PullRequestStatus;
import dev.ferry.api.PullRequestWorkflow;
import dev.ferry.api.RequestBounds;
import dev.ferry.api.RunRequest;
import dev.ferry.api.RunTimeouts;
import dev.ferry.api.RunWorkflow;
import dev.ferry.api.TaskQueues;
import dev.ferry.providers.ProviderException;
import dev.ferry.providers.local.LocalComputeProvider;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** {@code POST /runs}, {@code GET /runs/{id}} and {@code POST /runs/{id}/cancel}. */
final class RunRoutes implements HttpApi.Routes {

  private static final Set<String> RUN_FIELDS =
      Set.of(
          "workload",
          "input",
          "provider",
          "image",
          "cpus",
          "memory_mb",
          "boot_timeout",
          "run_timeout",
          "heartbeat_timeout",
          "attempts",
          "mode",
          "id");

  /** The body's name of each field {@link RequestBounds} names. */
  private static final Map<String, String> FIELDS =
      Map.of(
          "compute.provider", "provider",
          "compute.image", "image",
          "compute.cpus", "cpus",
          "compute.memoryMb", "memory_mb",
          "timeouts.boot", "boot_timeout",
          "timeouts.run", "run_timeout",
          "timeouts.heartbeat", "heartbeat_timeout",
          "maxComputeAttempts", "attempts");

  private final WorkflowClient client;
  private final String defaultProvider;
  private final ComputeDefaults defaults;

  /**
   * Routes whose runs without a provider go to the defaults' provider, and which refuse an image
   * the defaults do not allow; with null defaults, the workflow alone checks the image.
   */
  RunRoutes(WorkflowClient client, ComputeDefaults defaults) {
    this.client = client;
    this.defaults = defaults;
    this.defaultProvider = defaults == null ? null : defaults.provider();
  }

  RunRoutes(WorkflowClient client) {
    this(client, null);
  }

  @Override
  public void register(Javalin app) {
    app.post("/runs", this::start);
    app.get("/runs/{id}", this::show);
    app.post("/runs/{id}/cancel", this::cancel);
  }

  private void start(Context ctx) {
    JsonBody body = JsonBody.parse(JsonBody.raw(ctx), RUN_FIELDS);
    String workload = body.text("workload");
    JsonNode input = body.node().path("input");
    if (!input.isMissingNode() && !input.isNull() && !input.isObject()) {
      throw BadRequest.field("input", "input must be a JSON object");
    }
    String id = body.optionalText("id");
    RunRequest request;
    try {
      request =
          new RunRequest(
              workload,
              input.isMissingNode() ? null : input,
              new ComputeSpec(
                  body.optionalText("provider"),
                  body.optionalText("image"),
                  body.number("cpus"),
                  body.integer("memory_mb", false),
                  null,
                  Map.of()),
              new RunTimeouts(
                  body.duration("boot_timeout"),
                  body.duration("run_timeout"),
                  body.duration("heartbeat_timeout")),
              body.integer("attempts", false),
              mode(body.optionalText("mode")),
              null);
    } catch (IllegalArgumentException e) {
      throw BadRequest.field(e.getMessage().split(" ", 2)[0], e.getMessage());
    }
    RequestBounds.violation(id, request)
        .ifPresent(
            v -> {
              String field = FIELDS.getOrDefault(v.field(), v.field());
              throw BadRequest.field(
                  field, field.equals(v.field()) ? v.message() : field + ": " + v.message());
            });
    if (request.mode() == ExecutionMode.CALLBACK
        && LocalComputeProvider.ID.equals(
            request.compute().provider() != null
                ? request.compute().provider()
                : defaultProvider)) {
      throw BadRequest.field("mode", LocalComputeProvider.NO_CALLBACK_MODE);
    }
    if (defaults != null) {
      try {
        defaults.allowedImages().check(request.compute().image(), defaults.image());
      } catch (ProviderException.InvalidSpec e) {
        throw BadRequest.field("image", e.getMessage());
      }
    }
    String workflowId =
        id != null ? id : "run-" + workload + "-" + UUID.randomUUID().toString().substring(0, 8);
    RunWorkflow run =
        client.newWorkflowStub(
            RunWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(workflowId)
                .setTaskQueue(TaskQueues.ORCHESTRATOR)
                .build());
    try {
      WorkflowClient.start(run::run, request);
    } catch (WorkflowExecutionAlreadyStarted e) {
      throw new BadRequest(409, "id", "a run with id '" + workflowId + "' is already running");
    }
    HttpApi.accepted(ctx, workflowId);
  }

  private static ExecutionMode mode(String mode) {
    if (mode == null || mode.equals("worker")) {
      return ExecutionMode.WORKER;
    }
    if (mode.equals("callback")) {
      return ExecutionMode.CALLBACK;
    }
    throw BadRequest.field("mode", "mode must be worker or callback, was '" + mode + "'");
  }

  private void show(Context ctx) {
    String id = ctx.pathParam("id");
    DescribeWorkflowExecutionResponse described = describe(id);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", id);
    body.put(
        "execution",
        described
            .getWorkflowExecutionInfo()
            .getStatus()
            .name()
            .replace("WORKFLOW_EXECUTION_STATUS_", ""));
    String type = described.getWorkflowExecutionInfo().getType().getName();
    try {
      if (type.equals("PullRequestWorkflow")) {
        PullRequestStatus status = client.newWorkflowStub(PullRequestWorkflow.class, id).status();
        body.put("type", "pull-request");
        body.put("status", status);
        // Each side as the check last heard from it; its timings and receipts are at its own id.
        body.put("old", status == null ? null : status.oldRun());
        body.put("new", status == null ? null : status.newRun());
      } else if (type.equals("RunWorkflow")) {
        body.put("type", "run");
        body.put("status", client.newWorkflowStub(RunWorkflow.class, id).status());
      } else {
        body.put("type", type);
      }
    } catch (WorkflowException e) {
      // Its first workflow task has not run yet: the execution status is all there is.
    }
    ctx.json(body);
  }

  private void cancel(Context ctx) {
    String id = ctx.pathParam("id");
    DescribeWorkflowExecutionResponse described = describe(id);
    if (described.getWorkflowExecutionInfo().hasCloseTime()) {
      throw new BadRequest(409, null, "'" + id + "' has already ended");
    }
    client.newUntypedWorkflowStub(id).cancel();
    ctx.status(202).json(Map.of("id", id, "cancelling", true));
  }

  private DescribeWorkflowExecutionResponse describe(String id) {
    if (RequestBounds.id(id) != null) {
      throw new BadRequest(404, null, "no run with id '" + id + "'");
    }
    try {
      return WorkflowDescriptions.describe(client, id, null);
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        throw new BadRequest(404, null, "no run with id '" + id + "'");
      }
      throw e;
    }
  }
}
