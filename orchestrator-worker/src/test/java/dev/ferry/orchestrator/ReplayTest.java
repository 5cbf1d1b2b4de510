package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs in flight survive a deploy: histories recorded by {@link RecordHistories} from earlier
 * workflow code replay against today's without non-determinism. A change that breaks one needs a
 * {@code Workflow.getVersion}, not a new recording.
 */
class ReplayTest {

  private TestWorkflowEnvironment env;
  private Worker worker;

  @BeforeEach
  void worker() {
    env = TestWorkflowEnvironment.newInstance();
    worker = env.newWorker("replay");
    worker.registerWorkflowImplementationTypes(
        Orchestrator.workflowOptions(),
        RunWorkflowImpl.class,
        PullRequestWorkflowImpl.class,
        PullRequestCoordinatorImpl.class);
  }

  @AfterEach
  void close() {
    env.close();
  }

  static Stream<String> recorded() throws Exception {
    Path dir = Path.of(ReplayTest.class.getResource("/histories").toURI());
    try (Stream<Path> files = Files.list(dir)) {
      List<String> ids =
          files
              .map(f -> f.getFileName().toString())
              .filter(n -> n.endsWith(".json"))
              .map(n -> n.substring(0, n.length() - ".json".length()))
              .sorted()
              .toList();
      assertThat(ids)
          .as("recorded histories")
          .contains("replay-primes", "replay-bad-input", "replay-retries")
          .anyMatch(id -> id.startsWith("pr-") && id.endsWith("-old"))
          .anyMatch(id -> id.startsWith("pr-") && id.endsWith("-latest"));
      return ids.stream();
    }
  }

  @ParameterizedTest
  @MethodSource("recorded")
  void replaysAgainstTodaysWorkflowCode(String workflowId) throws Exception {
    WorkflowExecutionHistory history = history(workflowId);
    assertThat(history.getEvents()).as("events of %s", workflowId).hasSizeGreaterThan(3);

    WorkflowReplayer.replayWorkflowExecution(history, worker);
  }

  private static WorkflowExecutionHistory history(String workflowId) throws Exception {
    try (InputStream in =
        ReplayTest.class.getResourceAsStream("/histories/" + workflowId + ".json")) {
      return WorkflowExecutionHistory.fromJson(
          new String(in.readAllBytes(), StandardCharsets.UTF_8), workflowId);
    }
  }
}
