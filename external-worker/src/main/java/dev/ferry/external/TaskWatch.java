package dev.ferry.external;

import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import io.temporal.client.ActivityCompletionException;
import io.temporal.common.interceptors.ActivityExecutionContextBase;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the one task an external worker takes: when it starts and ends, its task token, and the
 * last heartbeat it sent, so that a SIGTERM can flush that heartbeat and leave the task unreported.
 *
 * <p>Thread-safe: the activity thread, the worker's main thread and the shutdown hook all use it.
 */
final class TaskWatch extends WorkerInterceptorBase {

  /** Where the worker is in its single-task life. */
  enum Phase {
    WAITING,
    RUNNING,
    FINISHED,
    GAVE_UP,
    ABANDONED
  }

  /** How the wait for the task ended. */
  enum Outcome {
    /** The task ran; the SDK is reporting its result. */
    FINISHED,
    /** No task came within the idle timeout. */
    NO_TASK,
    /** SIGTERM came first; the task, if any, stays unreported. */
    ABANDONED
  }

  private static final Logger log = LoggerFactory.getLogger(TaskWatch.class);

  private final Runnable onTaskStart;
  private Phase phase = Phase.WAITING;
  private byte[] taskToken;
  private Object lastHeartbeat;

  /**
   * @param onTaskStart runs on the activity thread as the one task starts, before the workload
   */
  TaskWatch(Runnable onTaskStart) {
    this.onTaskStart = onTaskStart;
  }

  @Override
  public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
    return new OneTask(next);
  }

  /** Waits for the task to start, then for it to end; gives up when none starts in time. */
  synchronized Outcome awaitOutcome(Duration idleTimeout) throws InterruptedException {
    long deadline = System.nanoTime() + idleTimeout.toNanos();
    while (phase == Phase.WAITING) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        phase = Phase.GAVE_UP;
        return Outcome.NO_TASK;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    while (phase == Phase.RUNNING) {
      wait();
    }
    return switch (phase) {
      case FINISHED -> Outcome.FINISHED;
      case ABANDONED -> Outcome.ABANDONED;
      case WAITING, RUNNING, GAVE_UP -> throw new IllegalStateException("task still " + phase);
    };
  }

  /**
   * Marks the task, running or still to come, as never to be reported.
   *
   * @return the phase before, so the caller knows whether a heartbeat needs flushing
   */
  synchronized Phase abandon() {
    Phase before = phase;
    if (before == Phase.WAITING || before == Phase.RUNNING) {
      phase = Phase.ABANDONED;
      notifyAll();
    }
    return before;
  }

  synchronized Phase phase() {
    return phase;
  }

  /** The running task's token; null before a task started. */
  synchronized byte[] taskToken() {
    return taskToken;
  }

  /** The details of the task's latest heartbeat call, sent or still throttled; null before any. */
  synchronized Object lastHeartbeat() {
    return lastHeartbeat;
  }

  private synchronized boolean start(byte[] token) {
    if (phase != Phase.WAITING) {
      return false;
    }
    phase = Phase.RUNNING;
    taskToken = token;
    notifyAll();
    return true;
  }

  private synchronized void recordHeartbeat(Object details) {
    lastHeartbeat = details;
    log.trace("Heartbeat recorded: {}", details);
  }

  private synchronized boolean finish() {
    if (phase != Phase.RUNNING) {
      return false;
    }
    phase = Phase.FINISHED;
    notifyAll();
    return true;
  }

  private final class OneTask extends ActivityInboundCallsInterceptorBase {

    private ActivityExecutionContext context;

    OneTask(ActivityInboundCallsInterceptor next) {
      super(next);
    }

    @Override
    public void init(ActivityExecutionContext context) {
      this.context = context;
      super.init(new HeartbeatRecorder(context));
    }

    @Override
    public ActivityOutput execute(ActivityInput input) {
      ActivityInfo info = context.getInfo();
      if (!start(context.getTaskToken())) {
        log.warn(
            "Leaving activity {} of workflow {} unreported: this worker has stopped taking tasks",
            info.getActivityId(),
            info.getWorkflowId());
        return unreported();
      }
      onTaskStart.run();
      log.info(
          "Took activity {} of workflow {} (attempt {}); polling suspended",
          info.getActivityId(),
          info.getWorkflowId(),
          info.getAttempt());
      ActivityOutput output;
      try {
        output = super.execute(input);
      } catch (RuntimeException | Error e) {
        if (finish()) {
          throw e;
        }
        return unreportedAfterSigterm();
      }
      return finish() ? output : unreportedAfterSigterm();
    }

    private ActivityOutput unreportedAfterSigterm() {
      log.info("Task ended after SIGTERM; leaving it unreported");
      return unreported();
    }

    /**
     * Any completion or failure would be taken as the workload's outcome; reporting nothing lets
     * the orchestrator see lost compute and resume from the last checkpoint.
     */
    private ActivityOutput unreported() {
      context.doNotCompleteOnReturn();
      return new ActivityOutput(null);
    }
  }

  private final class HeartbeatRecorder extends ActivityExecutionContextBase {

    HeartbeatRecorder(ActivityExecutionContext next) {
      super(next);
    }

    @Override
    public <V> void heartbeat(V details) throws ActivityCompletionException {
      // Recorded before sending: the SDK throttles, so the latest details may not be sent yet.
      recordHeartbeat(details);
      super.heartbeat(details);
    }
  }
}
