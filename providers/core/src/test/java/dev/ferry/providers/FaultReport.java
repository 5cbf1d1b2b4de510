package dev.ferry.providers;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * What a fault-injection test saw, written before it asserts, so that {@code .ci/reliability} can
 * tabulate every scenario in {@code docs/reliability.md}, failures included. One file per scenario
 * and provider under the module's {@code target/reliability/}, replaced on every run.
 */
public final class FaultReport {

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS);

  /**
   * One scenario's outcome.
   *
   * @param scenario what the test is, e.g. {@code worker-killed}
   * @param provider the provider the runs used
   * @param fault the fault injected, in words
   * @param faults how many times it was injected
   * @param runs runs started
   * @param completed runs that ended as they should (the right answer, or the expected failure)
   * @param leaked resources of those runs still there at the end
   * @param reapLatency from the moment a resource became the reaper's to remove until it was gone;
   *     null when the scenario leaves nothing to the reaper
   * @param elapsed the scenario's wall time
   */
  public record Outcome(
      String scenario,
      String provider,
      String fault,
      int faults,
      int runs,
      int completed,
      int leaked,
      Duration reapLatency,
      Duration elapsed) {}

  private record Recorded(Instant recordedAt, Outcome outcome) {}

  private FaultReport() {}

  /** Writes the outcome to {@code target/reliability/SCENARIO-PROVIDER.json}. */
  public static void record(Outcome outcome) {
    Path dir = Path.of("target", "reliability");
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve(outcome.scenario() + "-" + outcome.provider() + ".json");
      JSON.writerWithDefaultPrettyPrinter()
          .writeValue(file.toFile(), new Recorded(Instant.now(), outcome));
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the fault report", e);
    }
  }
}
