package dev.ferry.orchestrator;

import dev.ferry.api.ComputeActivities;
import dev.ferry.api.FailureTypes;
import dev.ferry.api.RunTimeouts;
import io.temporal.activity.ActivityOptions;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/**
 * The compute-activity stubs of one run, each with the timeouts and retries its job needs.
 *
 * @param inspector local activities: resolve the spec, look at the compute
 * @param provisioner provisioning, retried while the provider's failures are transient
 * @param teardown deprovisioning, retried for a long time: a leak is the worst outcome
 */
record RunStubs(
    ComputeActivities inspector, ComputeActivities provisioner, ComputeActivities teardown) {

  /** How long teardown keeps retrying before the run fails and leaves the rest to the reaper. */
  static final Duration TEARDOWN_PERSISTENCE = Duration.ofMinutes(30);

  static RunStubs forRun(RunTimeouts timeouts) {
    ComputeActivities inspector =
        Workflow.newLocalActivityStub(
            ComputeActivities.class,
            LocalActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofSeconds(30))
                .setRetryOptions(
                    RetryOptions.newBuilder()
                        .setMaximumAttempts(3)
                        .setDoNotRetry(FailureTypes.INVALID_COMPUTE_SPEC, FailureTypes.COMPUTE_AUTH)
                        .build())
                .build());
    ComputeActivities provisioner =
        Workflow.newActivityStub(
            ComputeActivities.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofMinutes(2))
                .setScheduleToCloseTimeout(timeouts.boot().plus(Duration.ofMinutes(2)))
                .setRetryOptions(
                    RetryOptions.newBuilder()
                        .setInitialInterval(Duration.ofSeconds(1))
                        .setMaximumInterval(Duration.ofSeconds(30))
                        .setDoNotRetry(
                            FailureTypes.INVALID_COMPUTE_SPEC,
                            FailureTypes.COMPUTE_AUTH,
                            FailureTypes.COMPUTE_NOT_FOUND)
                        .build())
                .build());
    ComputeActivities teardown =
        Workflow.newActivityStub(
            ComputeActivities.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofMinutes(5))
                .setScheduleToCloseTimeout(TEARDOWN_PERSISTENCE)
                .setRetryOptions(
                    RetryOptions.newBuilder()
                        .setInitialInterval(Duration.ofSeconds(1))
                        .setMaximumInterval(Duration.ofSeconds(30))
                        .setDoNotRetry(FailureTypes.COMPUTE_AUTH)
                        .build())
                .build());
    return new RunStubs(inspector, provisioner, teardown);
  }
}
