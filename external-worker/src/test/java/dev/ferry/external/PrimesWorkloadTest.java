package dev.ferry.external;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.api.PrimesCheckpoint;
import dev.ferry.api.PrimesInput;
import dev.ferry.api.PrimesOutput;
import dev.ferry.api.WorkloadHeartbeat;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class PrimesWorkloadTest {

  private static final Logger log = LoggerFactory.getLogger(PrimesWorkloadTest.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PrimesWorkload workload = new PrimesWorkload();
  private final List<WorkloadHeartbeat> heartbeats = new ArrayList<>();
  private final HeartbeatReporter recorder =
      (progress, checkpoint) -> heartbeats.add(new WorkloadHeartbeat(progress, checkpoint));

  @ParameterizedTest
  @CsvSource({
    "2, 0",
    "3, 1",
    "4, 2",
    "10, 4",
    "100, 25",
    "10000000, 664579",
    "100000000, 5761455",
    "1000000000, 50847534"
  })
  void countsThePrimesBelowTheBound(long below, long expected) throws Exception {
    assertThat(count(below, null)).isEqualTo(new PrimesOutput(below, expected));
  }

  @Test
  void countsThePrimesBelowTenToTheTen() throws Exception {
    long started = System.nanoTime();
    PrimesOutput output = count(10_000_000_000L, null);
    // How long it took is for docs/benchmarks.md, not for a test: it depends on the machine.
    log.info("pi(10^10) took {} ms", (System.nanoTime() - started) / 1_000_000);

    assertThat(output.count()).isEqualTo(455_052_511L);
  }

  @Test
  void reportsProgressAndACheckpointAfterEverySegment() throws Exception {
    long below = 3 * SegmentedSieve.SEGMENT_SPAN + 10;

    count(below, null);

    assertThat(heartbeats).hasSize(4);
    WorkloadHeartbeat first = heartbeats.getFirst();
    assertThat(first.progress().done()).isEqualTo(SegmentedSieve.SEGMENT_SPAN);
    assertThat(first.progress().total()).isEqualTo(below);
    assertThat(first.progress().message()).isEqualTo("82025 primes below 1048576");
    assertThat(JSON.treeToValue(first.checkpoint(), PrimesCheckpoint.class))
        .isEqualTo(new PrimesCheckpoint(1_048_576, 82_025));
    assertThat(heartbeats.getLast().progress().done()).isEqualTo(below);
  }

  @Test
  void resumesFromAMidwayCheckpointWithTheSameCountAndLessWork() throws Exception {
    long below = 100_000_000;
    PrimesOutput uninterrupted = count(below, null);
    int segments = heartbeats.size();
    JsonNode midway = heartbeats.get(segments / 2).checkpoint();
    heartbeats.clear();

    PrimesOutput resumed = count(below, midway);

    assertThat(resumed).isEqualTo(uninterrupted);
    assertThat(heartbeats).hasSizeLessThan(segments);
    assertThat(heartbeats.getFirst().progress().done()).isGreaterThan(midway.get("next").asLong());
  }

  @Test
  void finishesAtOnceFromACheckpointAtTheBound() throws Exception {
    JsonNode done = JSON.valueToTree(new PrimesCheckpoint(100, 25));

    assertThat(count(100, done)).isEqualTo(new PrimesOutput(100, 25));
    assertThat(heartbeats).isEmpty();
  }

  @Test
  void failsOnACheckpointThatDoesNotFitTheBound() {
    JsonNode beyond = JSON.valueToTree(new PrimesCheckpoint(1_000, 168));

    assertThatThrownBy(() -> count(100, beyond))
        .isInstanceOf(WorkloadFailedException.class)
        .hasMessageContaining("does not fit a count of the primes below 100");
  }

  @Test
  void failsOnACheckpointOfAnotherShape() {
    JsonNode other = JSON.createObjectNode().put("line", 3);

    assertThatThrownBy(() -> count(100, other))
        .isInstanceOf(WorkloadFailedException.class)
        .hasMessageContaining("is not a primes checkpoint");
  }

  private PrimesOutput count(long below, JsonNode checkpoint) throws Exception {
    JsonNode output = workload.run(new PrimesInput(below), checkpoint, recorder);
    return JSON.treeToValue(output, PrimesOutput.class);
  }
}
