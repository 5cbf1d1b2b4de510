package dev.ferry.orchestrator;

import dev.ferry.api.ComputeActivities;
import dev.ferry.api.ComputeHandle;
import dev.ferry.api.ComputeReport;
import dev.ferry.api.ComputeSpec;
import dev.ferry.api.ComputeState;
import dev.ferry.api.DescribeRequest;
import dev.ferry.api.ProvisionRequest;
import dev.ferry.api.TeardownReceipt;
import dev.ferry.api.WorkloadActivity;
import dev.ferry.api.WorkloadHeartbeat;
import dev.ferry.providers.ComputeProvider;
import dev.ferry.providers.ProviderException;
import dev.ferry.providers.ProviderRegistry;
import io.temporal.activity.Activity;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/** Drives the providers for the run workflow, translating their errors at this edge. */
public final class ComputeActivitiesImpl implements ComputeActivities {

  private final ProviderRegistry providers;
  private final ComputeDefaults defaults;
  private final WorkerEnvironment workerEnvironment;

  ComputeActivitiesImpl(
      ProviderRegistry providers, ComputeDefaults defaults, WorkerEnvironment workerEnvironment) {
    this.providers = providers;
    this.defaults = defaults;
    this.workerEnvironment = workerEnvironment;
  }

  @Override
  public ComputeSpec resolve(ComputeSpec spec) {
    return translated(
        () -> {
          ComputeSpec resolved =
              spec.withProvider(spec.provider() != null ? spec.provider() : defaults.provider());
          if (resolved.image() == null && defaults.image() != null) {
            resolved = resolved.withImage(defaults.image());
          }
          ComputeProvider provider = providers.get(resolved.provider());
          provider.validate(resolved);
          // Pinned once here, in an activity: the result is in history, so every attempt of the
          // run (and every replay) uses this exact image even if its tag moves.
          return resolved.image() == null
              ? resolved
              : resolved.withImage(provider.pinImage(resolved.image()));
        });
  }

  @Override
  public ComputeHandle provision(ProvisionRequest request) {
    return translated(
        () -> {
          ComputeProvider provider = providers.get(request.spec().provider());
          ComputeSpec withWorkerEnv = request.spec().withEnv(workerEnvironment.forRequest(request));
          return provider.provision(request.withSpec(withWorkerEnv));
        });
  }

  @Override
  public ComputeReport describe(DescribeRequest request) {
    ComputeState state =
        translated(() -> providers.get(request.compute().provider()).describe(request.compute()));
    Optional<PendingActivityInfo> workload = pendingWorkload(request);
    boolean started =
        workload
            .map(
                a ->
                    a.getState() == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED
                        || a.getState()
                            == PendingActivityState.PENDING_ACTIVITY_STATE_CANCEL_REQUESTED)
            .orElse(false);
    WorkloadHeartbeat heartbeat =
        workload
            .filter(PendingActivityInfo::hasHeartbeatDetails)
            .map(this::heartbeatOf)
            .orElse(null);
    return new ComputeReport(state, started, heartbeat);
  }

  @Override
  public TeardownReceipt deprovision(ComputeHandle handle) {
    TeardownReceipt receipt = tearDown(handle);
    int attempt = Activity.getExecutionContext().getInfo().getAttempt();
    return attempt == 1 ? receipt : afterRetries(receipt, attempt);
  }

  /**
   * Removes the resource. Every failure but a refusal of Ferry's credentials or a misconfigured
   * provider is retryable, the provider's factory failing to reach its platform included: a leak is
   * the worst outcome.
   */
  TeardownReceipt tearDown(ComputeHandle handle) {
    return translated(
        () -> {
          try {
            return providers.get(handle.provider()).deprovision(handle);
          } catch (ProviderException.NotFound e) {
            return TeardownReceipt.alreadyGone(handle, Instant.now());
          }
        });
  }

  /** The receipt of a teardown that took retries says so, for whoever reads the run's result. */
  static TeardownReceipt afterRetries(TeardownReceipt receipt, int attempt) {
    String note = "gone on teardown attempt " + attempt + "; the earlier attempts failed";
    return new TeardownReceipt(
        receipt.provider(),
        receipt.name(),
        receipt.resourceId(),
        receipt.found(),
        receipt.exitCode(),
        receipt.logTail(),
        receipt.removedAt(),
        receipt.detail() == null ? note : note + "; " + receipt.detail());
  }

  private Optional<PendingActivityInfo> pendingWorkload(DescribeRequest request) {
    WorkflowClient client = Activity.getExecutionContext().getWorkflowClient();
    var response =
        client
            .getWorkflowServiceStubs()
            .blockingStub()
            .describeWorkflowExecution(
                DescribeWorkflowExecutionRequest.newBuilder()
                    .setNamespace(client.getOptions().getNamespace())
                    .setExecution(
                        WorkflowExecution.newBuilder()
                            .setWorkflowId(request.workflowId())
                            .setRunId(request.runId()))
                    .build());
    return response.getPendingActivitiesList().stream()
        .filter(a -> a.getActivityType().getName().equals(WorkloadActivity.TYPE))
        .findFirst();
  }

  private WorkloadHeartbeat heartbeatOf(PendingActivityInfo activity) {
    return Activity.getExecutionContext()
        .getWorkflowClient()
        .getOptions()
        .getDataConverter()
        .fromPayloads(
            0,
            Optional.of(activity.getHeartbeatDetails()),
            WorkloadHeartbeat.class,
            WorkloadHeartbeat.class);
  }

  private static <T> T translated(Supplier<T> call) {
    try {
      return call.get();
    } catch (ProviderException e) {
      throw ProviderFailures.toFailure(e);
    }
  }
}
