package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowNotFoundException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ferry as users run it: the orchestrator, the starter CLI and the local provider's workers as
 * separate OS processes from the built jars, against a port-bound Temporal test server.
 */
class EndToEndIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void aPrimesRunReturnsTheCountAndLeavesNoProcessBehind() throws Exception {
    try (FerryProcesses ferry = new FerryProcesses(dir)) {
      Process orchestrator = ferry.startOrchestrator();

      JsonNode result = ferry.runPrimesToTheEnd("e2e-primes");

      FerryProcesses.assertGone(result.at("/attempts/0/teardown/resourceId").asLong());
      assertThat(ferry.localResources()).isEmpty();

      FerryProcesses.Finished status = ferry.cli("status", "e2e-primes", "--json");
      assertThat(status.exitCode()).isZero();
      assertThat(JSON.readTree(status.stdout()).get("phase").asText()).isEqualTo("SUCCEEDED");
      FerryProcesses.Finished list = ferry.cli("list");
      assertThat(list.stdout()).contains("e2e-primes", "COMPLETED");

      assertThat(ferry.processesInDirectory())
          .as("processes left besides the orchestrator")
          .allMatch(p -> p.pid() == orchestrator.pid());
      orchestrator.destroy();
      assertThat(orchestrator.waitFor(30, TimeUnit.SECONDS)).as("orchestrator stops").isTrue();
      assertThat(ferry.processesInDirectory()).as("processes left").isEmpty();
    }
  }

  @Test
  void aRequestOfTheWrongFormIsRefusedByTheCliWithExitTwoAndStartsNoRun() throws Exception {
    try (FerryProcesses ferry = new FerryProcesses(dir)) {
      ferry.startOrchestrator();

      FerryProcesses.Finished badJson =
          ferry.cli("run", "primes", "--input", "{below: ", "--id", "bad-json");
      FerryProcesses.Finished unknownWorkload =
          ferry.cli("run", "bitcoin", "--id", "unknown-workload");
      FerryProcesses.Finished badInput =
          ferry.cli("run", "primes", "--input", "{\"below\": -5}", "--id", "bad-input");
      FerryProcesses.Finished badTimeout =
          ferry.cli("run", "primes", "--boot-timeout", "0s", "--id", "bad-timeout");

      assertThat(badJson.exitCode()).as(badJson.stderr()).isEqualTo(2);
      assertThat(badJson.stderr()).contains("--input is not valid JSON");
      assertThat(unknownWorkload.exitCode()).as(unknownWorkload.stderr()).isEqualTo(2);
      assertThat(unknownWorkload.stderr()).contains("unknown workload 'bitcoin'", "primes");
      assertThat(badInput.exitCode()).as(badInput.stderr()).isEqualTo(2);
      assertThat(badInput.stderr()).contains("below must be between 2");
      assertThat(badTimeout.exitCode()).as(badTimeout.stderr()).isEqualTo(2);
      assertThat(badTimeout.stderr()).contains("timeouts.boot must be positive");
      for (String id : List.of("bad-json", "unknown-workload", "bad-input", "bad-timeout")) {
        assertThatThrownBy(() -> ferry.client().newUntypedWorkflowStub(id).describe())
            .as("no run %s exists", id)
            .isInstanceOf(WorkflowNotFoundException.class);
      }
      FerryProcesses.Finished list = ferry.cli("list");
      assertThat(list.exitCode()).isZero();
      assertThat(list.stdout()).doesNotContain("bad-", "unknown-workload");
      assertThat(ferry.localResources()).isEmpty();
    }
  }

  @Test
  void anUnknownProviderFailsTheRunBeforeAnyComputeAndWaitExitsTwo() throws Exception {
    try (FerryProcesses ferry = new FerryProcesses(dir)) {
      ferry.startOrchestrator();

      // The CLI cannot know the orchestrator's providers: the run starts, and the workflow refuses.
      FerryProcesses.Finished unknownProvider =
          ferry.cli(
              "run",
              "primes",
              "--input",
              "{\"below\": 1000}",
              "--provider",
              "nope",
              "--wait",
              "--id",
              "unknown-provider");

      assertThat(unknownProvider.exitCode()).as(unknownProvider.stderr()).isEqualTo(2);
      assertThat(unknownProvider.stderr()).contains("unknown provider 'nope'", "local");
      List<String> activities =
          ferry.client().fetchHistory("unknown-provider").getEvents().stream()
              .filter(HistoryEvent::hasActivityTaskScheduledEventAttributes)
              .map(e -> e.getActivityTaskScheduledEventAttributes().getActivityType().getName())
              .toList();
      assertThat(activities).as("activities the run scheduled").doesNotContain("Provision");
      assertThat(ferry.localResources()).isEmpty();
      assertThat(ferry.processesInDirectory())
          .as("processes running the external worker")
          .noneMatch(p -> FerryProcesses.runs(p, FerryProcesses.WORKER_JAR));
    }
  }

  @Test
  void theDemoRunsPrimesOnEmbeddedTemporalAndExitsClean() throws Exception {
    try (FerryProcesses ferry = new FerryProcesses(dir)) {
      Process demo = ferry.startOnEmbeddedTemporal("demo", Map.of(), "demo.log");

      // What the demo starts, seen while it runs: its CLI child and the local provider's worker.
      // A process's arguments can only be read while it runs, and a child shows as the JDK's spawn
      // helper until it has exec'd: the latest command line seen is kept.
      Map<ProcessHandle, String> seen = new HashMap<>();
      long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
      while (!demo.waitFor(20, TimeUnit.MILLISECONDS)) {
        assertThat(System.nanoTime()).as("demo ends within 3 minutes").isLessThan(deadline);
        ferry
            .processesInDirectory()
            .forEach(
                p -> p.info().commandLine().ifPresent(commandLine -> seen.put(p, commandLine)));
      }
      String log = ferry.log("demo.log");
      assertThat(demo.exitValue()).as(log).isZero();
      assertThat(log).contains("664579", "embedded Temporal", "exit code 0");
      assertThat(seen.values())
          .as("the search for what the demo started found its CLI and its worker")
          .anyMatch(commandLine -> commandLine.contains(FerryProcesses.STARTER_JAR.toString()))
          .anyMatch(commandLine -> commandLine.contains(FerryProcesses.WORKER_JAR.toString()));
      assertThat(seen.keySet())
          .as("processes the demo started: %s", seen)
          .noneMatch(ProcessHandle::isAlive);
      assertThat(ferry.processesInDirectory())
          .as("processes left in the demo's directory")
          .isEmpty();
      assertThat(ferry.localResources()).as("the local provider's records").isEmpty();
    }
  }

  @Test
  void aTakenTemporalPortIsNamedWithTheVariableThatMovesIt() throws Exception {
    try (FerryProcesses ferry = new FerryProcesses(dir);
        ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      int port = taken.getLocalPort();
      Process demo = ferry.startOnEmbeddedTemporal("server", port, Map.of(), "taken.log");

      assertThat(demo.waitFor(1, TimeUnit.MINUTES)).isTrue();
      assertThat(demo.exitValue()).isEqualTo(2);
      assertThat(ferry.log("taken.log")).contains("port " + port, "FERRY_TEMPORAL_PORT");
    }
  }
}
