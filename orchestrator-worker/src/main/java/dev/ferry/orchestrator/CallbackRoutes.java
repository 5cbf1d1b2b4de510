package dev.ferry.orchestrator;

import dev.ferry.api.FailureTypes;
import dev.ferry.api.Progress;
import dev.ferry.api.RunStatus;
import dev.ferry.api.RunWorkflow;
import dev.ferry.api.WorkloadActivity;
import dev.ferry.api.WorkloadHeartbeat;
import dev.ferry.api.WorkloadResult;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.ActivityCanceledException;
import io.temporal.client.ActivityCompletionClient;
import io.temporal.client.ActivityCompletionException;
import io.temporal.client.ActivityNotExistsException;
import io.temporal.client.WorkflowClient;
import io.temporal.failure.ApplicationFailure;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /callbacks/{token}}: a callback-mode compute completes, fails, heartbeats or reports
 * the cancellation of its workload activity. Forged tokens get 401; tokens of runs or attempts that
 * have ended get 410; tokens of runs the server does not know get 404.
 */
final class CallbackRoutes implements HttpApi.Routes {

  /** Where callbacks arrive; each proves itself by its signed token. */
  static final String PATH_PREFIX = "/callbacks/";

  private static final Logger log = LoggerFactory.getLogger(CallbackRoutes.class);
  private static final Set<String> FIELDS = Set.of("action", "result", "message", "progress");

  private final WorkflowClient client;
  private final CallbackTokens tokens;
  private final ActivityCompletionClient completions;

  CallbackRoutes(WorkflowClient client, CallbackTokens tokens) {
    this.client = client;
    this.tokens = tokens;
    this.completions = client.newActivityCompletionClient();
  }

  @Override
  public void register(Javalin app) {
    app.post(PATH_PREFIX + "{token}", this::callback);
  }

  private void callback(Context ctx) {
    CallbackTokens.Attempt attempt =
        tokens
            .verify(ctx.pathParam("token"))
            .orElseThrow(() -> new BadRequest(401, "token", "the callback token is not genuine"));
    JsonBody body = JsonBody.parse(JsonBody.raw(ctx), FIELDS);
    String action = body.text("action");
    if (!Set.of("complete", "fail", "heartbeat", "cancelled").contains(action)) {
      throw BadRequest.field(
          "action", "action must be complete, fail, heartbeat or cancelled, was '" + action + "'");
    }
    PendingActivityInfo workload = pendingWorkload(attempt);
    String activityId = workload.getActivityId();
    if (workload.getState() == PendingActivityState.PENDING_ACTIVITY_STATE_CANCEL_REQUESTED
        && !action.equals("cancelled")) {
      // Said here rather than left to the heartbeat's answer, which not every server gives for a
      // workload whose cancellation was requested (Temporal's test server answers "not found").
      cancelled(ctx);
      return;
    }
    Optional<String> runId = Optional.of(attempt.runId());
    String workflowId = attempt.workflowId();
    try {
      switch (action) {
        case "complete" ->
            completions.complete(
                workflowId,
                runId,
                activityId,
                new WorkloadResult(body.node().path("result"), null));
        case "fail" ->
            completions.completeExceptionally(
                workflowId,
                runId,
                activityId,
                ApplicationFailure.newNonRetryableFailure(
                    Optional.ofNullable(body.optionalText("message")).orElse("the compute failed"),
                    FailureTypes.WORKLOAD_FAILED));
        case "cancelled" ->
            completions.reportCancellation(
                workflowId, runId, activityId, body.optionalText("message"));
        case "heartbeat" -> {
          String message = Optional.ofNullable(body.optionalText("message")).orElse("");
          completions.heartbeat(
              workflowId,
              runId,
              activityId,
              new WorkloadHeartbeat(new Progress(0, 0, message), null));
        }
        default -> throw new IllegalStateException("checked above");
      }
    } catch (ActivityCanceledException e) {
      cancelled(ctx);
      return;
    } catch (ActivityNotExistsException e) {
      throw gone("the workload of attempt " + attempt.attempt() + " has already ended");
    } catch (ActivityCompletionException e) {
      throw gone("the workload cannot take this callback: " + e.getMessage());
    }
    log.info("callback {} for {} attempt {}", action, workflowId, attempt.attempt());
    ctx.json(Map.of("ok", true));
  }

  /** The run was cancelled: the compute should stop; its teardown is under way. */
  private static void cancelled(Context ctx) {
    ctx.status(409).json(Map.of("error", "the run was cancelled", "cancel_requested", true));
  }

  /** The attempt's pending workload activity, or 404/410 when there is none. */
  private PendingActivityInfo pendingWorkload(CallbackTokens.Attempt attempt) {
    DescribeWorkflowExecutionResponse described;
    try {
      described = WorkflowDescriptions.describe(client, attempt.workflowId(), attempt.runId());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        throw new BadRequest(404, "token", "no run '" + attempt.workflowId() + "'");
      }
      throw e;
    }
    if (described.getWorkflowExecutionInfo().hasCloseTime()) {
      throw gone("run '" + attempt.workflowId() + "' has ended");
    }
    RunStatus status = client.newWorkflowStub(RunWorkflow.class, attempt.workflowId()).status();
    if (status.attempt() != attempt.attempt()) {
      throw gone("attempt " + attempt.attempt() + " has ended; the run is on " + status.attempt());
    }
    return described.getPendingActivitiesList().stream()
        .filter(a -> a.getActivityType().getName().equals(WorkloadActivity.TYPE))
        .findFirst()
        .orElseThrow(() -> gone("attempt " + attempt.attempt() + " has no running workload"));
  }

  private static BadRequest gone(String message) {
    return new BadRequest(410, "token", message);
  }
}
