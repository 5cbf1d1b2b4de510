package dev.ferry.orchestrator;

import dev.ferry.api.AttemptSummary;
import dev.ferry.api.ComputeHandle;
import dev.ferry.api.Progress;
import dev.ferry.api.QueuePlace;
import dev.ferry.api.RunPhase;
import dev.ferry.api.RunStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The run's state as the {@code status} query reports it; only the workflow thread writes it. */
final class RunTracker {

  private final Instant startedAt;
  private RunPhase phase = RunPhase.PROVISIONING;
  private Instant phaseSince;
  private int attempt;
  private int maxAttempts;
  private ComputeHandle compute;
  private Progress progress;
  private String failure;
  private String image;
  private QueuePlace queue;
  private final List<AttemptSummary> attempts = new ArrayList<>();

  RunTracker(Instant startedAt, int maxAttempts) {
    this.startedAt = startedAt;
    this.phaseSince = startedAt;
    this.maxAttempts = maxAttempts;
  }

  void imageResolved(String pinned) {
    image = pinned;
  }

  void queued(String provider, int limit, Instant at) {
    queue = new QueuePlace(provider, limit, null);
    enter(RunPhase.QUEUED, at);
  }

  void queuePlace(int place) {
    if (queue != null) {
      queue = queue.withPlace(place);
    }
  }

  void admitted() {
    queue = null;
  }

  void attemptStarted(int number, ComputeHandle handle, Instant at) {
    attempt = number;
    compute = handle;
    enter(RunPhase.PROVISIONING, at);
  }

  void provisioned(ComputeHandle handle, Instant at) {
    compute = handle;
    enter(RunPhase.STARTING, at);
  }

  void workloadStarted(Instant at) {
    if (phase == RunPhase.STARTING) {
      enter(RunPhase.RUNNING, at);
    }
  }

  void progress(Progress latest) {
    progress = latest;
  }

  void deprovisioning(Instant at) {
    enter(RunPhase.DEPROVISIONING, at);
  }

  void attemptEnded(AttemptSummary summary) {
    attempts.add(summary);
  }

  List<AttemptSummary> attempts() {
    return List.copyOf(attempts);
  }

  void finished(RunPhase finalPhase, String reason, Instant at) {
    failure = reason;
    enter(finalPhase, at);
  }

  RunStatus snapshot() {
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
        image,
        phase == RunPhase.QUEUED ? queue : null);
  }

  private void enter(RunPhase next, Instant at) {
    if (next != phase) {
      phase = next;
      phaseSince = at;
    }
  }
}
