package dev.ferry.starter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.starter.FerryCliHarness.Invocation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code ferry list} against the in-memory Temporal server, which has no visibility queries, so
 * this covers the fallback to the open and closed lists.
 */
class ListCommandTest {

  @RegisterExtension final FerryCliHarness harness = new FerryCliHarness();

  @BeforeEach
  void startTwoRuns() {
    assertThat(
            harness
                .ferry("run", "primes", "--input", "{\"below\":1000}", "--id", "done", "--wait")
                .exitCode())
        .isEqualTo(FerryCli.OK);
    harness.startEndlessRun("busy");
  }

  @Test
  void listsRunsNewestFirst() {
    Invocation list = harness.ferry("list");

    assertThat(list.exitCode()).as(list.err()).isEqualTo(FerryCli.OK);
    List<String> lines = list.out().lines().toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).startsWith("ID").contains("STATUS", "STARTED");
    assertThat(lines.get(1)).startsWith("busy ").contains("RUNNING");
    assertThat(lines.get(2)).startsWith("done ").contains("COMPLETED");
  }

  @Test
  void listsRunsAsJson() {
    Invocation list = harness.ferry("list", "--json");

    assertThat(list.exitCode()).as(list.err()).isEqualTo(FerryCli.OK);
    List<String> ids = new ArrayList<>();
    for (JsonNode row : list.json()) {
      ids.add(row.get("workflowId").asText());
      assertThat(Instant.parse(row.get("startedAt").asText())).isBefore(Instant.now());
    }
    assertThat(ids).containsExactly("busy", "done");
    assertThat(list.json().get(0).get("status").asText()).isEqualTo("RUNNING");
    assertThat(list.json().get(1).get("status").asText()).isEqualTo("COMPLETED");
  }

  @Test
  void showsNoMoreThanTheLimit() {
    Invocation list = harness.ferry("list", "--limit", "1", "--json");

    assertThat(list.exitCode()).as(list.err()).isEqualTo(FerryCli.OK);
    assertThat(list.json()).hasSize(1);
    assertThat(list.json().get(0).get("workflowId").asText()).isEqualTo("busy");
  }

  @Test
  void showsARunsLatestStateOnceAfterItsIdIsReused() {
    assertThat(
            harness
                .ferry("run", "primes", "--input", "{\"below\":1000}", "--id", "done", "--wait")
                .exitCode())
        .isEqualTo(FerryCli.OK);

    Invocation list = harness.ferry("list", "--json");

    List<String> ids = new ArrayList<>();
    list.json().forEach(row -> ids.add(row.get("workflowId").asText()));
    assertThat(ids).containsExactly("done", "busy");
  }
}
