package dev.ferry.external;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.ferry.api.FailureTypes;
import dev.ferry.api.Progress;
import dev.ferry.api.Secrets;
import dev.ferry.api.WorkloadActivity;
import dev.ferry.api.WorkloadResult;
import dev.ferry.api.WorkloadTask;
import io.temporal.activity.Activity;
import io.temporal.client.ActivityCompletionException;
import io.temporal.failure.ApplicationFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a workload task with the runner its registry has for it.
 *
 * <p>Failures of the workload itself (unknown workload, invalid input, a failing command) are
 * non-retryable {@code ApplicationFailure}s of type {@link FailureTypes#WORKLOAD_FAILED}.
 * Cancellation propagates as the SDK's {@code ActivityCompletionException}; any other exception
 * propagates as the SDK maps it (retryable, typed with its class name), since it says more about
 * the compute than about the workload.
 *
 * <p>Nothing the workload reports carries a credential of the worker's: heartbeats, results and
 * failures are redacted against the values of its secrets ({@link Secrets}) before they leave.
 *
 * <p>Thread-safe: runners keep no per-task state, so any worker may register one instance.
 */
public final class WorkloadActivityImpl implements WorkloadActivity {

  private static final Logger log = LoggerFactory.getLogger(WorkloadActivityImpl.class);
  private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule());

  private final WorkloadRegistry registry;
  private final Secrets secrets;

  /** Redacts the credentials of this process's own environment. */
  public WorkloadActivityImpl(WorkloadRegistry registry) {
    this(registry, Secrets.of(System.getenv()));
  }

  /**
   * @param secrets redacted from everything the workload reports: heartbeats, its result, its
   *     failure's message and details
   */
  public WorkloadActivityImpl(WorkloadRegistry registry, Secrets secrets) {
    this.registry = registry;
    this.secrets = secrets;
  }

  @Override
  public WorkloadResult run(WorkloadTask task) {
    WorkloadRunner<?> runner =
        registry
            .find(task.workload())
            .orElseThrow(
                () ->
                    workloadFailed(
                        secrets,
                        "unknown workload '"
                            + task.workload()
                            + "'; known workloads: "
                            + String.join(", ", registry.ids()),
                        null));
    JsonNode checkpoint = isAbsent(task.checkpoint()) ? null : task.checkpoint();
    log.info(
        "Running workload {} (compute attempt {}) {}",
        runner.id(),
        task.attempt(),
        checkpoint == null ? "from the start" : "from checkpoint " + checkpoint);
    JsonNode input = isAbsent(task.input()) ? JsonNodeFactory.instance.objectNode() : task.input();
    HeartbeatReporter heartbeat = HeartbeatReporter.of(Activity.getExecutionContext());
    JsonNode output =
        run(
            runner,
            input,
            checkpoint,
            (progress, next) -> heartbeat.report(redact(progress), secrets.redact(next)));
    log.info("Workload {} finished", runner.id());
    return new WorkloadResult(secrets.redact(output), checkpoint);
  }

  private <I> JsonNode run(
      WorkloadRunner<I> runner, JsonNode input, JsonNode checkpoint, HeartbeatReporter heartbeat) {
    I parsed;
    try {
      parsed = runner.parseInput(input);
    } catch (IllegalArgumentException e) {
      throw workloadFailed(secrets, e.getMessage(), null);
    }
    try {
      return runner.run(parsed, checkpoint, heartbeat);
    } catch (WorkloadFailedException e) {
      log.info("Workload {} failed: {}", runner.id(), secrets.redact(e.getMessage()));
      throw workloadFailed(secrets, e.getMessage(), e.details());
    } catch (ActivityCompletionException e) {
      throw e;
    } catch (Exception e) {
      if (secrets.isEmpty()) {
        throw Activity.wrap(e);
      }
      // Retryable and typed with its class, as the SDK would map it, but without the cause: its
      // message and stack trace could carry a credential into history.
      log.warn("Workload {} broke", runner.id(), e);
      throw ApplicationFailure.newFailure(
          secrets.redact(String.valueOf(e.getMessage())), e.getClass().getName());
    }
  }

  private Progress redact(Progress progress) {
    return progress == null
        ? null
        : new Progress(progress.done(), progress.total(), secrets.redact(progress.message()));
  }

  private static ApplicationFailure workloadFailed(
      Secrets secrets, String message, Object details) {
    String redacted = secrets.redact(message);
    return details == null
        ? ApplicationFailure.newNonRetryableFailure(redacted, FailureTypes.WORKLOAD_FAILED)
        : ApplicationFailure.newNonRetryableFailure(
            redacted, FailureTypes.WORKLOAD_FAILED, secrets.redact(JSON.valueToTree(details)));
  }

  private static boolean isAbsent(JsonNode node) {
    return node == null || node.isNull() || node.isMissingNode();
  }
}
