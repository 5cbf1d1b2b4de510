package dev.ferry.external;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.ferry.api.FailureTypes;
import dev.ferry.api.WorkloadActivity;
import dev.ferry.api.WorkloadResult;
import dev.ferry.api.WorkloadTask;
import io.temporal.activity.Activity;
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
 * <p>Thread-safe: runners keep no per-task state, so any worker may register one instance.
 */
public final class WorkloadActivityImpl implements WorkloadActivity {

  private static final Logger log = LoggerFactory.getLogger(WorkloadActivityImpl.class);

  private final WorkloadRegistry registry;

  public WorkloadActivityImpl(WorkloadRegistry registry) {
    this.registry = registry;
  }

  @Override
  public WorkloadResult run(WorkloadTask task) {
    WorkloadRunner<?> runner =
        registry
            .find(task.workload())
            .orElseThrow(
                () ->
                    workloadFailed(
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
    JsonNode output =
        run(runner, input, checkpoint, HeartbeatReporter.of(Activity.getExecutionContext()));
    log.info("Workload {} finished", runner.id());
    return new WorkloadResult(output, checkpoint);
  }

  private static <I> JsonNode run(
      WorkloadRunner<I> runner, JsonNode input, JsonNode checkpoint, HeartbeatReporter heartbeat) {
    I parsed;
    try {
      parsed = runner.parseInput(input);
    } catch (IllegalArgumentException e) {
      throw workloadFailed(e.getMessage(), null);
    }
    try {
      return runner.run(parsed, checkpoint, heartbeat);
    } catch (WorkloadFailedException e) {
      log.info("Workload {} failed: {}", runner.id(), e.getMessage());
      throw workloadFailed(e.getMessage(), e.details());
    } catch (Exception e) {
      throw Activity.wrap(e);
    }
  }

  private static ApplicationFailure workloadFailed(String message, Object details) {
    return details == null
        ? ApplicationFailure.newNonRetryableFailure(message, FailureTypes.WORKLOAD_FAILED)
        : ApplicationFailure.newNonRetryableFailure(message, FailureTypes.WORKLOAD_FAILED, details);
  }

  private static boolean isAbsent(JsonNode node) {
    return node == null || node.isNull() || node.isMissingNode();
  }
}
