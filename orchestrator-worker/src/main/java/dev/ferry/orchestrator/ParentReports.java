package dev.ferry.orchestrator;

import dev.ferry.api.RunObserver;
import dev.ferry.api.RunPhase;
import dev.ferry.api.RunStatus;
import dev.ferry.api.RunUpdate;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.workflow.Async;
import io.temporal.workflow.ExternalWorkflowStub;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * Tells a run's parent workflow (a pull-request check) how the run goes: a {@link
 * RunObserver#RUN_CHANGED} signal whenever its phase, attempt, compute or progress changed, until
 * it ends. One signal at a time, from a background workflow thread, so they arrive in order and
 * changes made while one is on its way are sent together. A signal that fails stops the reports and
 * never fails the run.
 */
final class ParentReports {

  /** The {@code Workflow.getVersion} change id: runs before it sent no reports. */
  static final String CHANGE_ID = "report-to-parent";

  private static final Set<RunPhase> ENDED =
      EnumSet.of(RunPhase.SUCCEEDED, RunPhase.FAILED, RunPhase.CANCELLED);
  private static final Logger log = Workflow.getLogger(ParentReports.class);

  private final ExternalWorkflowStub parent;
  private final String runId;
  private final Supplier<RunStatus> status;
  private RunUpdate sent;

  private ParentReports(ExternalWorkflowStub parent, String runId, Supplier<RunStatus> status) {
    this.parent = parent;
    this.runId = runId;
    this.status = status;
  }

  /** Starts reporting, when the run has a parent; call once, on the workflow thread. */
  static void startIfChild(Supplier<RunStatus> status) {
    WorkflowInfo info = Workflow.getInfo();
    if (info.getParentWorkflowId().isEmpty()) {
      return;
    }
    // Only children record this marker, so the histories of other runs do not change.
    if (Workflow.getVersion(CHANGE_ID, Workflow.DEFAULT_VERSION, 1) == Workflow.DEFAULT_VERSION) {
      return;
    }
    WorkflowExecution execution =
        WorkflowExecution.newBuilder()
            .setWorkflowId(info.getParentWorkflowId().get())
            .setRunId(info.getParentRunId().orElse(""))
            .build();
    ParentReports reports =
        new ParentReports(
            Workflow.newUntypedExternalWorkflowStub(execution), info.getWorkflowId(), status);
    // Detached: a cancelled run still reports its teardown.
    Workflow.newDetachedCancellationScope(() -> Async.procedure(reports::send)).run();
  }

  private static boolean ended(RunPhase phase) {
    return ENDED.contains(phase);
  }

  private RunUpdate current() {
    return RunUpdate.of(runId, status.get());
  }

  private void send() {
    while (true) {
      // The end itself is not sent: the parent learns it from the child's result, and a signal
      // sent as the run completes could only arrive after its parent had moved on.
      Workflow.await(() -> !Objects.equals(current(), sent) && !ended(current().phase()));
      RunUpdate next = current();
      try {
        parent.signal(RunObserver.RUN_CHANGED, next);
      } catch (RuntimeException e) {
        log.warn("stopped reporting to parent {}: {}", parent.getExecution().getWorkflowId(), e);
        return;
      }
      sent = next;
    }
  }
}
