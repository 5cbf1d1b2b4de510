package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
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

      orchestrator.destroy();
      assertThat(orchestrator.waitFor(30, TimeUnit.SECONDS)).as("orchestrator stops").isTrue();
    }
  }

  @Test
  void aBadRequestIsRefusedWithExitTwoAndStartsNothing() throws Exception {
    try (FerryProcesses ferry = new FerryProcesses(dir)) {
      ferry.startOrchestrator();

      FerryProcesses.Finished badJson = ferry.cli("run", "primes", "--input", "{below: ");
      FerryProcesses.Finished unknownProvider =
          ferry.cli(
              "run", "primes", "--input", "{\"below\": 1000}", "--provider", "nope", "--wait");

      assertThat(badJson.exitCode()).isEqualTo(2);
      assertThat(badJson.stderr()).contains("--input is not valid JSON");
      assertThat(unknownProvider.exitCode()).isEqualTo(2);
      assertThat(unknownProvider.stderr()).contains("unknown provider 'nope'", "local");
      assertThat(ferry.localResources()).isEmpty();
    }
  }

  @Test
  void theDemoRunsPrimesOnEmbeddedTemporalAndExitsClean() throws Exception {
    try (FerryProcesses ferry = new FerryProcesses(dir)) {
      Process demo =
          ferry.startOnEmbeddedTemporal("demo", FerryProcesses.freePort(), Map.of(), "demo.log");

      assertThat(demo.waitFor(3, TimeUnit.MINUTES)).as("demo ends").isTrue();
      String log = ferry.log("demo.log");
      assertThat(demo.exitValue()).as(log).isZero();
      assertThat(log).contains("664579", "embedded Temporal", "exit code 0");
      assertThat(ferry.localResources()).isEmpty();
      assertThat(demo.descendants().count()).isZero();
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
