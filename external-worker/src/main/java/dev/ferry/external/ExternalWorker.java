package dev.ferry.external;

import dev.ferry.api.WorkloadActivity;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;
import io.temporal.worker.tuning.CompositeTuner;
import io.temporal.worker.tuning.FixedSizeSlotSupplier;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An activity-only Temporal worker that takes exactly one workload task from its run attempt's
 * queue, runs it, reports the result and stops.
 *
 * <p>{@link #run()} is called once, from the main thread; {@link #terminate()} from a JVM shutdown
 * hook, on any thread.
 */
public final class ExternalWorker {

  private static final Logger log = LoggerFactory.getLogger(ExternalWorker.class);

  /** How long a finished task may take to report its result before the worker stops anyway. */
  static final Duration REPORT_GRACE = Duration.ofSeconds(30);

  /** Bounds the final heartbeat, since SIGTERM usually comes with a grace period of seconds. */
  static final Duration FINAL_HEARTBEAT_TIMEOUT = Duration.ofSeconds(5);

  private static final Duration MAX_CONNECT_BACKOFF = Duration.ofSeconds(5);

  /** Answers that retrying will not change. */
  private static final Set<Status.Code> REFUSALS =
      EnumSet.of(
          Status.Code.NOT_FOUND,
          Status.Code.INVALID_ARGUMENT,
          Status.Code.PERMISSION_DENIED,
          Status.Code.UNAUTHENTICATED,
          Status.Code.UNIMPLEMENTED);

  private final WorkflowClient client;
  private final ExternalWorkerConfig config;
  private final TaskWatch watch;
  private final WorkerFactory factory;
  private final LifetimeWatch lifetime;
  private volatile ExitCode lifetimeEnd;

  /**
   * Prepares a worker for {@code config.taskQueue()}; nothing polls before {@link #run()}.
   *
   * @param activity the workload activity, usually {@code new
   *     WorkloadActivityImpl(WorkloadRegistry.builtIns())}
   */
  public ExternalWorker(
      WorkflowClient client, ExternalWorkerConfig config, WorkloadActivity activity) {
    this.client = client;
    this.config = config;
    this.watch = new TaskWatch(this::suspendPolling);
    this.factory =
        WorkerFactory.newInstance(
            client, WorkerFactoryOptions.newBuilder().setWorkerInterceptors(watch).build());
    Worker worker =
        factory.newWorker(
            config.taskQueue(),
            WorkerOptions.newBuilder()
                .setWorkerTuner(
                    new CompositeTuner(
                        new FixedSizeSlotSupplier<>(1),
                        new OneTaskSlotSupplier(),
                        new FixedSizeSlotSupplier<>(1),
                        new FixedSizeSlotSupplier<>(1)))
                .setMaxConcurrentActivityTaskPollers(1)
                .build());
    worker.registerActivitiesImplementations(activity);
    this.lifetime =
        new LifetimeWatch(
            client,
            config.leaseExpires(),
            config.heartbeatTimeout(),
            () -> watch.phase() == TaskWatch.Phase.RUNNING,
            this::endLifetime,
            Clock.systemUTC());
  }

  /**
   * Connects, polls for the one task, runs it and waits until its result is reported.
   *
   * @return {@link ExitCode#TASK_DONE} once the task's result is reported, whatever it was; {@link
   *     ExitCode#NO_TASK} when no task came within the idle timeout, counted from this call and
   *     including the time Temporal was unreachable; {@link ExitCode#TERMINATED} after {@link
   *     #terminate()}; {@link ExitCode#LEASE_EXPIRED} when the lease ran out first; {@link
   *     ExitCode#CUT_OFF} when the running task could not reach Temporal for longer than the
   *     heartbeat timeout
   * @throws StatusRuntimeException when Temporal refuses the connection for good (unknown
   *     namespace, bad credentials)
   */
  public ExitCode run() throws InterruptedException {
    long deadline = System.nanoTime() + config.idleTimeout().toNanos();
    lifetime.start();
    try {
      return runWithinLifetime(deadline);
    } finally {
      lifetime.stop();
    }
  }

  private ExitCode runWithinLifetime(long deadline) throws InterruptedException {
    if (!awaitTemporal(deadline)) {
      if (lifetimeEnd != null) {
        return lifetimeEnd;
      }
      log.warn(
          "No task arrived on queue {} within {}: Temporal was unreachable; stopping",
          config.taskQueue(),
          config.idleTimeout());
      return ExitCode.NO_TASK;
    }
    if (lifetimeEnd != null) {
      return lifetimeEnd;
    }
    factory.start();
    log.info(
        "Polling task queue {} for one workload task (idle timeout {})",
        config.taskQueue(),
        config.idleTimeout());
    return switch (watch.awaitOutcome(Duration.ofNanos(deadline - System.nanoTime()))) {
      case FINISHED -> {
        stopGracefully();
        log.info("Task done and reported; stopping");
        yield ExitCode.TASK_DONE;
      }
      case NO_TASK -> {
        log.warn(
            "No task arrived on queue {} within {}; stopping",
            config.taskQueue(),
            config.idleTimeout());
        stopGracefully();
        yield ExitCode.NO_TASK;
      }
      case ABANDONED -> {
        ExitCode end = lifetimeEnd;
        if (end == null) {
          yield ExitCode.TERMINATED;
        }
        // The workload is stopped, unreported: its run has ended or moved to other compute.
        stopChildProcesses();
        factory.shutdownNow();
        yield end;
      }
    };
  }

  /** The lease ran out or Temporal was out of reach too long: the task, if any, is abandoned. */
  private void endLifetime(ExitCode code) {
    lifetimeEnd = code;
    factory.suspendPolling();
    watch.abandon();
  }

  /**
   * Handles SIGTERM: stops polling and, if the task is running, sends its last progress and
   * checkpoint synchronously but reports neither completion nor failure, so the orchestrator sees
   * the compute as lost and resumes from that checkpoint elsewhere. Child processes are asked to
   * stop too. After a normal {@link #run()} this only waits for the worker to finish stopping.
   *
   * @return {@link ExitCode#TASK_DONE} when the task had already finished and been reported
   */
  public ExitCode terminate() {
    factory.suspendPolling();
    TaskWatch.Phase phase = watch.abandon();
    boolean phaseWasFinished = phase == TaskWatch.Phase.FINISHED;
    return switch (phase) {
      case WAITING -> {
        log.info("Shutting down before any task arrived on {}", config.taskQueue());
        yield ExitCode.TERMINATED;
      }
      case RUNNING -> {
        flushLastHeartbeat();
        stopChildProcesses();
        yield ExitCode.TERMINATED;
      }
      case FINISHED, GAVE_UP -> {
        // The main thread may still be stopping; stopping twice only waits for the same end.
        if (!factory.isTerminated()) {
          stopGracefully();
        }
        yield phaseWasFinished ? ExitCode.TASK_DONE : ExitCode.NO_TASK;
      }
      case ABANDONED -> {
        log.debug("Shutdown handled already");
        yield ExitCode.TERMINATED;
      }
    };
  }

  /** Stops at once, for tests that leave a task unfinished. */
  void shutdownNow() {
    factory.shutdownNow();
  }

  private void suspendPolling() {
    factory.suspendPolling();
  }

  /**
   * Compute often boots before its network is fully up, so unreachable is retried until the
   * deadline; a refusal (unknown namespace, bad credentials) is not.
   *
   * @return whether Temporal answered before the deadline
   */
  private boolean awaitTemporal(long deadline) throws InterruptedException {
    DescribeNamespaceRequest request =
        DescribeNamespaceRequest.newBuilder()
            .setNamespace(client.getOptions().getNamespace())
            .build();
    long backoffMillis = 200;
    while (true) {
      if (lifetimeEnd != null) {
        return false;
      }
      try {
        client.getWorkflowServiceStubs().blockingStub().describeNamespace(request);
        return true;
      } catch (StatusRuntimeException e) {
        if (REFUSALS.contains(e.getStatus().getCode())) {
          throw e;
        }
        long leftMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (leftMillis <= 0) {
          return false;
        }
        log.warn("Temporal is not reachable yet ({}); retrying", describe(e));
        Thread.sleep(Math.min(backoffMillis, leftMillis));
        backoffMillis = Math.min(backoffMillis * 2, MAX_CONNECT_BACKOFF.toMillis());
      }
    }
  }

  /** One line, without the stack trace {@code Status.toString()} carries. */
  private static String describe(StatusRuntimeException e) {
    Throwable cause = e.getCause();
    while (cause != null && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return e.getStatus().getCode()
        + (e.getStatus().getDescription() == null ? "" : ": " + e.getStatus().getDescription())
        + (cause == null ? "" : ": " + cause.getMessage());
  }

  /** Shutdown waits for in-flight tasks, so the SDK reports the result before the JVM exits. */
  private void stopGracefully() {
    factory.shutdown();
    factory.awaitTermination(REPORT_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    if (!factory.isTerminated()) {
      log.warn("Worker did not stop within {}; stopping it now", REPORT_GRACE);
      factory.shutdownNow();
    }
  }

  private void flushLastHeartbeat() {
    Object details = watch.lastHeartbeat();
    if (details == null) {
      log.info("SIGTERM before the task's first heartbeat; leaving it unreported");
      return;
    }
    byte[] taskToken = watch.taskToken();
    // ActivityExecutionContext.heartbeat is throttled and asynchronous; this call is neither.
    CompletableFuture<Void> sent =
        CompletableFuture.runAsync(
            () -> client.newActivityCompletionClient().heartbeat(taskToken, details));
    try {
      sent.get(FINAL_HEARTBEAT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      log.info(
          "SIGTERM: sent the last heartbeat and left the task unreported, to resume elsewhere");
    } catch (ExecutionException e) {
      log.warn("SIGTERM: could not send the last heartbeat: {}", e.getCause().toString());
    } catch (TimeoutException e) {
      log.warn("SIGTERM: the last heartbeat took over {}; giving up", FINAL_HEARTBEAT_TIMEOUT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A workload's processes must not outlive the worker and keep the compute busy. */
  private static void stopChildProcesses() {
    List<ProcessHandle> children = ProcessHandle.current().descendants().toList();
    if (!children.isEmpty()) {
      log.info("SIGTERM: stopping {} child processes", children.size());
      children.forEach(ProcessHandle::destroy);
    }
  }
}
