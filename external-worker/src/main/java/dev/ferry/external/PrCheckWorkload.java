package dev.ferry.external;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.ferry.api.PrCheckInput;
import dev.ferry.api.PrCheckOutput;
import dev.ferry.api.Progress;
import dev.ferry.api.Secrets;
import dev.ferry.api.Workload;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code pr-check} workload: checks out one commit, runs the check command in it with a time
 * limit, heartbeating the output's last line, and returns the exit code, the duration, the tail and
 * the JUnit XML counts. A failing check is a result, not a failure of the workload; only a checkout
 * that cannot be made, or a repository without a check, fails it.
 */
final class PrCheckWorkload implements WorkloadRunner<PrCheckInput> {

  private static final Logger log = LoggerFactory.getLogger(PrCheckWorkload.class);
  private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule());
  private static final Duration HEARTBEAT_EVERY = Duration.ofSeconds(1);
  private static final Duration DRAIN_GRACE = Duration.ofSeconds(2);

  private final GitCheckout git;

  PrCheckWorkload(GitCheckout git) {
    this.git = git;
  }

  @Override
  public String id() {
    return Workload.PR_CHECK.id();
  }

  @Override
  public PrCheckInput parseInput(JsonNode input) {
    return Workload.PR_CHECK.read(input, PrCheckInput.class);
  }

  @Override
  public JsonNode run(PrCheckInput input, JsonNode checkpoint, HeartbeatReporter heartbeat)
      throws IOException, InterruptedException, WorkloadFailedException {
    Path dir = Files.createTempDirectory("ferry-pr-check-");
    try {
      heartbeat.report(new Progress(0, 0, "cloning " + input.sha()), null);
      git.checkout(input.cloneUrl(), input.sha(), dir);
      String command = input.command() != null ? input.command() : checkFile(dir, input.sha());
      return JSON.valueToTree(check(command, dir, input.timeLimit(), heartbeat));
    } finally {
      GitCheckout.deleteQuietly(dir);
    }
  }

  private static String checkFile(Path dir, String sha)
      throws IOException, WorkloadFailedException {
    Path file = dir.resolve(PrCheckInput.CHECK_FILE);
    if (!Files.isRegularFile(file)) {
      throw new WorkloadFailedException(
          "no check command: the request names none and commit "
              + sha
              + " has no "
              + PrCheckInput.CHECK_FILE,
          null);
    }
    String command = Files.readString(file, StandardCharsets.UTF_8).strip();
    if (command.isEmpty()) {
      throw new WorkloadFailedException(PrCheckInput.CHECK_FILE + " at " + sha + " is empty", null);
    }
    return command;
  }

  private static PrCheckOutput check(
      String command, Path dir, Duration limit, HeartbeatReporter heartbeat)
      throws IOException, InterruptedException {
    ProcessBuilder builder =
        new ProcessBuilder("sh", "-c", command).directory(dir.toFile()).redirectErrorStream(true);
    // The checked-out code is not trusted with the token it was cloned with, nor with any other
    // credential or the way to Temporal.
    builder.environment().keySet().removeIf(Secrets::isHiddenFromWorkloads);
    long started = System.nanoTime();
    long deadline = started + limit.toNanos();
    Process process = builder.start();
    process.getOutputStream().close();
    log.info("Started check pid {} in {}: {}", process.pid(), dir, command);
    OutputTail tail = new OutputTail(ShellWorkload.TAIL_LINES);
    Thread reader =
        Thread.ofPlatform()
            .daemon()
            .name("pr-check-output-" + process.pid())
            .start(() -> tail.consume(process.getInputStream()));
    boolean exited = false;
    boolean timedOut = false;
    try {
      while (!process.waitFor(HEARTBEAT_EVERY.toMillis(), TimeUnit.MILLISECONDS)) {
        if (System.nanoTime() - deadline > 0) {
          timedOut = true;
          break;
        }
        heartbeat.report(new Progress(tail.count(), 0, tail.lastLine()), null);
      }
      exited = !timedOut;
    } finally {
      if (!exited) {
        ShellWorkload.destroyTree(process);
      }
    }
    reader.join(DRAIN_GRACE);
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    int exitCode = timedOut ? PrCheckOutput.TIMED_OUT : process.exitValue();
    PrCheckOutput output = new PrCheckOutput(exitCode, took, tail.lines(), JUnitReports.read(dir));
    log.info("Check exited with code {} after {}: {}", exitCode, took, output.summary());
    return output;
  }
}
