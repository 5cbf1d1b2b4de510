package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.api.TaskQueues;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ComputeNamesTest {

  // The strictest pattern among the providers: DigitalOcean App Platform's app names.
  private static final String EVERY_PROVIDER = "^[a-z][a-z0-9-]{0,30}[a-z0-9]$";

  @Test
  void theSameRunAndAttemptAlwaysGetTheSameNames() {
    assertThat(ComputeNames.resourceName("wf", "run", 2))
        .isEqualTo(ComputeNames.resourceName("wf", "run", 2));
    assertThat(ComputeNames.taskQueue("wf", "run", 2))
        .isEqualTo(ComputeNames.taskQueue("wf", "run", 2));
  }

  @Test
  void namesDifferPerAttemptPerRunAndPerWorkflow() {
    assertThat(
            Set.of(
                ComputeNames.resourceName("wf", "run", 1),
                ComputeNames.resourceName("wf", "run", 2),
                ComputeNames.resourceName("wf", "other-run", 1),
                ComputeNames.resourceName("other-wf", "run", 1),
                // The separator keeps "a/bc" and "ab/c" apart.
                ComputeNames.resourceName("wf/r", "un", 1)))
        .hasSize(5);
  }

  @Test
  void resourceNamesAreValidOnEveryProviderEvenForLongIdsAndHighAttempts() {
    String longId = "pr-check-" + "x".repeat(500) + "-ÜNICODE/😀";
    for (int attempt : new int[] {1, 9, 10, 99}) {
      assertThat(ComputeNames.resourceName(longId, "0190d2f3-aaaa-bbbb", attempt))
          .matches(EVERY_PROVIDER)
          .startsWith("ferry-")
          .endsWith("-a" + attempt);
    }
  }

  @Test
  void taskQueuesCarryThePrefixAndTheAttempt() {
    String queue = ComputeNames.taskQueue("wf", "run", 3);
    assertThat(queue).startsWith(TaskQueues.RUN_PREFIX).endsWith("-a3");
    // Queue and resource share the run's digest, so one can be told from the other's labels.
    assertThat(queue.substring(TaskQueues.RUN_PREFIX.length()))
        .isEqualTo(ComputeNames.resourceName("wf", "run", 3).substring("ferry-".length()));
  }
}
