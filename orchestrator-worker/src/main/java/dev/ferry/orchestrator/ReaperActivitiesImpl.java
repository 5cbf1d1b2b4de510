package dev.ferry.orchestrator;

import dev.ferry.api.Labels;
import dev.ferry.api.ReapCandidate;
import dev.ferry.api.ReapReason;
import dev.ferry.api.ReaperActivities;
import dev.ferry.api.ReaperSurvey;
import dev.ferry.providers.ComputeProvider;
import dev.ferry.providers.LabelSelector;
import dev.ferry.providers.LabelledResource;
import dev.ferry.providers.ProviderException;
import dev.ferry.providers.ProviderRegistry;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.activity.Activity;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Judges every Ferry resource of this Temporal namespace by its labels: the run it belongs to is
 * looked up by workflow id and run id, and its lease is read.
 *
 * <p>The providers looked at are the default one, which must answer, and every other provider whose
 * configuration is present (its factory can make it from the environment); a provider that is not
 * configured is skipped, one that fails to answer is reported and looked at again next round.
 */
public final class ReaperActivitiesImpl implements ReaperActivities {

  private static final Logger log = LoggerFactory.getLogger(ReaperActivitiesImpl.class);

  private final ProviderRegistry providers;
  private final String defaultProvider;
  private final String scope;
  private final Clock clock;

  /**
   * @param scope the value of {@link Labels#TEMPORAL} this orchestrator's runs carry; only those
   *     resources are judged
   */
  ReaperActivitiesImpl(
      ProviderRegistry providers, String defaultProvider, String scope, Clock clock) {
    this.providers = providers;
    this.defaultProvider = defaultProvider;
    this.scope = scope;
    this.clock = clock;
  }

  @Override
  public ReaperSurvey survey() {
    WorkflowClient client = Activity.getExecutionContext().getWorkflowClient();
    LabelSelector ours = LabelSelector.managed().and(Labels.TEMPORAL, scope);
    List<ReapCandidate> candidates = new ArrayList<>();
    List<String> unreachable = new ArrayList<>();
    int kept = 0;
    for (String id : providers.ids()) {
      List<LabelledResource> resources;
      try {
        ComputeProvider provider = providers.get(id);
        resources = provider.listLabelled(ours);
      } catch (ProviderException.InvalidSpec e) {
        if (id.equals(defaultProvider)) {
          unreachable.add(id + ": " + e.getMessage());
        } else {
          log.debug("reaper: skipping provider {}: {}", id, e.getMessage());
        }
        continue;
      } catch (RuntimeException e) {
        log.warn("reaper: could not list the resources of provider {}: {}", id, e.toString());
        unreachable.add(id + ": " + e.getMessage());
        continue;
      }
      for (LabelledResource resource : resources) {
        ReapReason reason = judge(client, resource.labels());
        if (reason == null) {
          kept++;
        } else {
          candidates.add(
              new ReapCandidate(
                  resource.handle(),
                  resource.labels().get(Labels.WORKFLOW_ID),
                  resource.labels().get(Labels.RUN_ID),
                  reason));
        }
      }
    }
    return new ReaperSurvey(candidates, kept, unreachable);
  }

  /** Why the resource goes, or null when it stays: its run is open and its lease holds. */
  private ReapReason judge(WorkflowClient client, Map<String, String> labels) {
    String workflowId = labels.get(Labels.WORKFLOW_ID);
    String runId = labels.get(Labels.RUN_ID);
    if (workflowId != null && runId != null && closed(client, workflowId, runId)) {
      return ReapReason.RUN_CLOSED;
    }
    Instant lease = lease(labels.get(Labels.LEASE_EXPIRES));
    if (lease != null && !clock.instant().isBefore(lease)) {
      return ReapReason.LEASE_EXPIRED;
    }
    return null;
  }

  /**
   * Whether the run has closed. A run Temporal does not know counts as closed; a run that continued
   * as new is open while its workflow's latest run is.
   */
  private static boolean closed(WorkflowClient client, String workflowId, String runId) {
    WorkflowExecutionStatus status = status(client, workflowId, runId);
    if (status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW) {
      status = status(client, workflowId, "");
    }
    return status != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
  }

  /** The run's status; {@code UNSPECIFIED} when Temporal does not know it. */
  private static WorkflowExecutionStatus status(
      WorkflowClient client, String workflowId, String runId) {
    try {
      return WorkflowDescriptions.describe(client, workflowId, runId)
          .getWorkflowExecutionInfo()
          .getStatus();
    } catch (StatusRuntimeException e) {
      // A run id that is no run id at all (INVALID_ARGUMENT on a real server) names no run either.
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND
          || e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT) {
        return WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_UNSPECIFIED;
      }
      throw e;
    }
  }

  private static Instant lease(String value) {
    try {
      return value == null ? null : Instant.parse(value);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
