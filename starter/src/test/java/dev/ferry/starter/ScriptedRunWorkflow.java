package dev.ferry.starter;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.api.AttemptOutcome;
import dev.ferry.api.AttemptSummary;
import dev.ferry.api.ComputeHandle;
import dev.ferry.api.ExecutionMode;
import dev.ferry.api.FailureTypes;
import dev.ferry.api.PermitNotice;
import dev.ferry.api.Progress;
import dev.ferry.api.RunPhase;
import dev.ferry.api.RunRequest;
import dev.ferry.api.RunResult;
import dev.ferry.api.RunStatus;
import dev.ferry.api.RunWorkflow;
import dev.ferry.api.TeardownReceipt;
import dev.ferry.api.Workload;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A stand-in for the orchestrator's run workflow whose behaviour the request scripts, so that the
 * CLI can be driven through every ending without any compute. It rejects requests by the real
 * workflow's rules: the input through {@link Workload#parse} unless in callback mode, as {@code
 * RunWorkflowImpl} does, and providers other than those Ferry ships, with the provider registry's
 * message. Only {@code primes} runs are scripted; {@code below} picks the ending.
 */
public class ScriptedRunWorkflow implements RunWorkflow {

  /** Fails like a workload that exited non-zero. */
  static final long FAILING_BELOW = 13;

  /** Runs, reporting progress, until cancelled. */
  static final long ENDLESS_BELOW = 1_000_000_000L;

  /** A provider the workflow does not know. */
  static final String UNKNOWN_PROVIDER = "nowhere";

  /** The providers Ferry ships, as the orchestrator's registry lists them. */
  static final List<String> KNOWN_PROVIDERS = List.of("docker", "local");

  static final String PROVIDER = "local";
  static final Progress ENDLESS_PROGRESS = new Progress(250, 1000, "sieving segment 3");
  static final Instant REMOVED_AT = Instant.parse("2030-01-02T03:04:05Z");

  private RunPhase phase = RunPhase.PROVISIONING;
  private int attempt;
  private int maxAttempts;
  private ComputeHandle compute;
  private Progress progress;
  private Instant startedAt = now();
  private Instant phaseSince = startedAt;
  private final List<AttemptSummary> attempts = new ArrayList<>();
  private String failure;

  @Override
  public RunResult run(RunRequest request) {
    startedAt = now();
    maxAttempts = request.maxComputeAttempts();
    try {
      if (request.mode() == ExecutionMode.WORKER) {
        Workload.parse(request.workload(), request.input());
      }
    } catch (IllegalArgumentException e) {
      throw fail(
          ApplicationFailure.newNonRetryableFailure(e.getMessage(), FailureTypes.INVALID_REQUEST));
    }
    String provider = request.compute().provider();
    if (provider != null && !KNOWN_PROVIDERS.contains(provider)) {
      throw fail(
          ApplicationFailure.newNonRetryableFailure(
              "unknown provider '"
                  + provider
                  + "'; known providers: "
                  + String.join(", ", KNOWN_PROVIDERS),
              FailureTypes.INVALID_COMPUTE_SPEC));
    }
    long below = request.input().path("below").asLong();
    attempt = 1;
    compute = new ComputeHandle(PROVIDER, "ferry-" + Workflow.getInfo().getWorkflowId(), "pid-42");
    enter(RunPhase.PROVISIONING);
    Workflow.sleep(Duration.ofMillis(100));
    enter(RunPhase.RUNNING);
    progress = new Progress(0, below, "sieving");
    if (below == FAILING_BELOW) {
      endAttempt(AttemptOutcome.WORKLOAD_FAILED, "workload exited with code 3", 3, "out of memory");
      throw fail(
          ApplicationFailure.newNonRetryableFailure(
              "primes failed: out of memory", FailureTypes.WORKLOAD_FAILED, List.copyOf(attempts)));
    }
    if (below >= ENDLESS_BELOW) {
      progress = ENDLESS_PROGRESS;
      try {
        Workflow.await(() -> false);
      } catch (CanceledFailure e) {
        endAttempt(AttemptOutcome.CANCELLED, "run was cancelled", 143, "terminated");
        phase = RunPhase.CANCELLED;
        failure = "cancelled";
        throw e;
      }
    }
    Workflow.sleep(Duration.ofMillis(250));
    long count = countPrimesBelow(below);
    progress = new Progress(below, below, "counted " + count + " primes");
    endAttempt(AttemptOutcome.SUCCEEDED, "workload succeeded", 0, "counted " + count + " primes");
    enter(RunPhase.SUCCEEDED);
    ObjectNode output =
        JsonNodeFactory.instance.objectNode().put("below", below).put("count", count);
    return new RunResult(
        request.workload(), output, null, attempts, Duration.between(startedAt, now()));
  }

  @Override
  public RunStatus status() {
    return new RunStatus(
        phase,
        attempt,
        maxAttempts,
        compute,
        progress,
        startedAt,
        phaseSince,
        attempts,
        failure,
        null,
        null);
  }

  @Override
  public void permit(PermitNotice notice) {
    // The stand-in has no concurrency limit to wait for.
  }

  private void enter(RunPhase next) {
    phase = next;
    phaseSince = now();
  }

  private void endAttempt(AttemptOutcome outcome, String detail, int exitCode, String lastLine) {
    TeardownReceipt receipt =
        new TeardownReceipt(
            compute.provider(),
            compute.name(),
            compute.resourceId(),
            true,
            exitCode,
            List.of("started", lastLine),
            REMOVED_AT);
    attempts.add(new AttemptSummary(attempt, compute, outcome, detail, receipt));
    compute = null;
  }

  private ApplicationFailure fail(ApplicationFailure reason) {
    enter(RunPhase.FAILED);
    failure = reason.getOriginalMessage();
    return reason;
  }

  static long countPrimesBelow(long below) {
    boolean[] composite = new boolean[(int) below];
    long count = 0;
    for (int n = 2; n < below; n++) {
      if (!composite[n]) {
        count++;
        for (long multiple = (long) n * n; multiple < below; multiple += n) {
          composite[(int) multiple] = true;
        }
      }
    }
    return count;
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }
}
