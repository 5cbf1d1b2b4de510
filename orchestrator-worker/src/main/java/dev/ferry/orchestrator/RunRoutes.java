package dev.ferry.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.ComputeSpec;
import dev.ferry.api.ExecutionMode;
import dev.ferry.api.PullRequestStatus;
import dev.ferry.api.PullRequestWorkflow;
import dev.ferry.api.RunRequest;
import dev.ferry.api.RunTimeouts;
import dev.ferry.api.RunWorkflow;
import dev.ferry.api.TaskQueues;
import dev.ferry.api.Workload;
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
import java.util.regex.Pattern;

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
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,200}");

  private final WorkflowClient client;
  private final String defaultProvider;

  /** Routes whose runs without a provider go to {@code defaultProvider} (null when unknown). */
  RunRoutes(WorkflowClient client, String defaultProvider) {
    this.client = client;
    this.defaultProvider = defaultProvider;
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
      if (request.mode() == ExecutionMode.WORKER) {
        Workload.parse(request.workload(), request.input());
      } else if (LocalComputeProvider.ID.equals(
          request.compute().provider() != null ? request.compute().provider() : defaultProvider)) {
        throw BadRequest.field("mode", LocalComputeProvider.NO_CALLBACK_MODE);
      }
    } catch (IllegalArgumentException e) {
      String message = e.getMessage();
      String field =
          message.startsWith("unknown workload")
              ? "workload"
              : message.startsWith("invalid input") ? "input" : message.split(" ", 2)[0];
      throw BadRequest.field(field, message);
    }
    String id = body.optionalText("id");
    if (id != null && !ID.matcher(id).matches()) {
      throw BadRequest.field("id", "id must be 1 to 200 letters, digits, '.', '_' or '-'");
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
    if (!ID.matcher(id).matches()) {
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
