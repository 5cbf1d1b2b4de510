package dev.ferry.orchestrator;

import dev.ferry.api.ComputeActivities;
import dev.ferry.api.ComputeHandle;
import dev.ferry.api.ComputeReport;
import dev.ferry.api.ComputeSpec;
import dev.ferry.api.ComputeState;
import dev.ferry.api.ConcurrencyLimit;
import dev.ferry.api.DescribeRequest;
import dev.ferry.api.Labels;
import dev.ferry.api.ProvisionRequest;
import dev.ferry.api.Secrets;
import dev.ferry.api.TeardownReceipt;
import dev.ferry.api.WorkloadActivity;
import dev.ferry.api.WorkloadHeartbeat;
import dev.ferry.providers.ComputeProvider;
import dev.ferry.providers.ProviderException;
import dev.ferry.providers.ProviderRegistry;
import io.temporal.activity.Activity;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.client.WorkflowClient;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** Drives the providers for the run workflow, translating their errors at this edge. */
public final class ComputeActivitiesImpl implements ComputeActivities {

  private final ProviderRegistry providers;
  private final ComputeDefaults defaults;
  private final WorkerEnvironment workerEnvironment;
  private final ConcurrencyLimits limits;

  ComputeActivitiesImpl(
      ProviderRegistry providers, ComputeDefaults defaults, WorkerEnvironment workerEnvironment) {
    this(providers, defaults, workerEnvironment, ConcurrencyLimits.NONE);
  }

  ComputeActivitiesImpl(
      ProviderRegistry providers,
      ComputeDefaults defaults,
      WorkerEnvironment workerEnvironment,
      ConcurrencyLimits limits) {
    this.providers = providers;
    this.defaults = defaults;
    this.workerEnvironment = workerEnvironment;
    this.limits = limits;
  }

  @Override
  public ComputeSpec resolve(ComputeSpec spec) {
    return translated(
        () -> {
          // Checked before anything else, the provider included: the worker gets the
          // orchestrator's credentials, so the operator decides what runs with them.
          WorkerEnvNames.check(spec.env().keySet());
          defaults.allowedImages().check(spec.image(), defaults.image());
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
  public ConcurrencyLimit concurrencyLimit(ComputeSpec spec) {
    return limits.limitFor(spec.provider());
  }

  @Override
  public ComputeHandle provision(ProvisionRequest request) {
    return translated(
        () -> {
          ComputeProvider provider = providers.get(request.spec().provider());
          ComputeSpec withWorkerEnv = request.spec().withEnv(workerEnvironment.forRequest(request));
          // The reaper judges only resources of its own Temporal namespace and address.
          Map<String, String> labels = new HashMap<>(request.labels());
          labels.put(Labels.TEMPORAL, workerEnvironment.scope());
          return provider.provision(
              new ProvisionRequest(
                  request.name(),
                  request.taskQueue(),
                  withWorkerEnv,
                  labels,
                  request.leaseExpiresAt(),
                  request.timeouts()));
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
            return redacted(providers.get(handle.provider()).deprovision(handle));
          } catch (ProviderException.NotFound e) {
            return TeardownReceipt.alreadyGone(handle, Instant.now());
          }
        });
  }

  /**
   * The receipt with the orchestrator's credentials (those it handed the worker among them) taken
   * out of what the worker printed: the receipt goes to history.
   */
  private TeardownReceipt redacted(TeardownReceipt receipt) {
    Secrets secrets = workerEnvironment.secrets();
    return new TeardownReceipt(
        receipt.provider(),
        receipt.name(),
        receipt.resourceId(),
        receipt.found(),
        receipt.exitCode(),
        secrets.redact(receipt.logTail()),
        receipt.removedAt(),
        secrets.redact(receipt.detail()));
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
    var response = WorkflowDescriptions.describe(client, request.workflowId(), request.runId());
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
