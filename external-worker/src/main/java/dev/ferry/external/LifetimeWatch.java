package dev.ferry.external;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.client.WorkflowClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's hard lifetime, which holds without the orchestrator: it ends the worker when its
 * lease runs out, and when its task runs but Temporal has been out of reach for longer than the
 * heartbeat timeout (by then the server has timed the task out and the run has moved on).
 *
 * <p>Runs on its own daemon thread from {@link #start()} until it fires once or {@link #stop()}.
 */
final class LifetimeWatch {

  private static final Logger log = LoggerFactory.getLogger(LifetimeWatch.class);

  /** Upper bound on how often Temporal is probed; a short heartbeat timeout probes more often. */
  static final Duration MAX_PROBE_INTERVAL = Duration.ofSeconds(5);

  private static final Duration MIN_PROBE_INTERVAL = Duration.ofMillis(200);

  /** Answers that mean the probe never reached a server. */
  private static final Set<Status.Code> UNREACHABLE =
      EnumSet.of(Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED);

  private final WorkflowClient client;
  private final Instant leaseExpires;
  private final Duration heartbeatTimeout;
  private final BooleanSupplier taskRunning;
  private final Consumer<ExitCode> onEnd;
  private final Clock clock;
  private volatile boolean stopped;
  private Thread thread;

  /**
   * @param leaseExpires when to end the worker; null for never
   * @param heartbeatTimeout how long the running task may be out of reach; null for forever
   * @param taskRunning whether the task is running now
   * @param onEnd called once, with {@link ExitCode#LEASE_EXPIRED} or {@link ExitCode#CUT_OFF}
   */
  LifetimeWatch(
      WorkflowClient client,
      Instant leaseExpires,
      Duration heartbeatTimeout,
      BooleanSupplier taskRunning,
      Consumer<ExitCode> onEnd,
      Clock clock) {
    this.client = client;
    this.leaseExpires = leaseExpires;
    this.heartbeatTimeout = heartbeatTimeout;
    this.taskRunning = taskRunning;
    this.onEnd = onEnd;
    this.clock = clock;
  }

  /** Starts watching; does nothing when there is neither a lease nor a heartbeat limit. */
  synchronized void start() {
    if (leaseExpires == null && heartbeatTimeout == null) {
      return;
    }
    thread = new Thread(this::watch, "ferry-lifetime");
    thread.setDaemon(true);
    thread.start();
  }

  synchronized void stop() {
    stopped = true;
    if (thread != null) {
      thread.interrupt();
    }
  }

  private void watch() {
    Duration interval = probeInterval();
    Instant lastContact = clock.instant();
    try {
      while (!stopped) {
        Instant now = clock.instant();
        if (leaseExpires != null && !now.isBefore(leaseExpires)) {
          log.warn("The lease ran out at {}; stopping the workload and the worker", leaseExpires);
          end(ExitCode.LEASE_EXPIRED);
          return;
        }
        if (heartbeatTimeout != null) {
          if (reachable(interval)) {
            lastContact = clock.instant();
          } else {
            Duration silent = Duration.between(lastContact, clock.instant());
            if (taskRunning.getAsBoolean() && silent.compareTo(heartbeatTimeout) > 0) {
              log.warn(
                  "Temporal has been out of reach for {}, longer than the heartbeat timeout of {}:"
                      + " the server has given this task up; stopping the workload and the worker",
                  silent,
                  heartbeatTimeout);
              end(ExitCode.CUT_OFF);
              return;
            }
          }
        }
        Duration sleep = interval;
        if (leaseExpires != null) {
          Duration untilLease = Duration.between(clock.instant(), leaseExpires);
          if (untilLease.compareTo(sleep) < 0) {
            sleep = untilLease.isNegative() ? Duration.ZERO : untilLease;
          }
        }
        Thread.sleep(sleep);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void end(ExitCode code) {
    if (!stopped) {
      stopped = true;
      onEnd.accept(code);
    }
  }

  private Duration probeInterval() {
    if (heartbeatTimeout == null) {
      return MAX_PROBE_INTERVAL;
    }
    Duration quarter = heartbeatTimeout.dividedBy(4);
    if (quarter.compareTo(MIN_PROBE_INTERVAL) < 0) {
      return MIN_PROBE_INTERVAL;
    }
    return quarter.compareTo(MAX_PROBE_INTERVAL) > 0 ? MAX_PROBE_INTERVAL : quarter;
  }

  /** Whether a server answered at all, even with a refusal. */
  private boolean reachable(Duration timeout) {
    try {
      client
          .getWorkflowServiceStubs()
          .blockingStub()
          .withDeadlineAfter(Math.max(timeout.toMillis(), 2000), TimeUnit.MILLISECONDS)
          .describeNamespace(
              DescribeNamespaceRequest.newBuilder()
                  .setNamespace(client.getOptions().getNamespace())
                  .build());
      return true;
    } catch (StatusRuntimeException e) {
      return !UNREACHABLE.contains(e.getStatus().getCode());
    }
  }
}
