package dev.ferry.external;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.api.Progress;
import dev.ferry.api.Secrets;
import dev.ferry.api.ShellInput;
import dev.ferry.api.ShellOutput;
import dev.ferry.api.Workload;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code shell} workload: runs a command with {@code sh -c}, heartbeating every second, and
 * returns the last lines of its output. It cannot resume, so it ignores checkpoints.
 */
final class ShellWorkload implements WorkloadRunner<ShellInput> {

  static final int TAIL_LINES = 50;

  private static final Logger log = LoggerFactory.getLogger(ShellWorkload.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration HEARTBEAT_EVERY = Duration.ofSeconds(1);

  /** How long a process may take to stop on SIGTERM before it gets SIGKILL. */
  private static final Duration STOP_GRACE = Duration.ofSeconds(2);

  /** How long to wait for output still in the pipe once the command has exited. */
  private static final Duration DRAIN_GRACE = Duration.ofSeconds(2);

  @Override
  public String id() {
    return Workload.SHELL.id();
  }

  @Override
  public ShellInput parseInput(JsonNode input) {
    return Workload.SHELL.read(input, ShellInput.class);
  }

  @Override
  public JsonNode run(ShellInput input, JsonNode checkpoint, HeartbeatReporter heartbeat)
      throws IOException, InterruptedException, WorkloadFailedException {
    ProcessBuilder builder = new ProcessBuilder("sh", "-c", input.command());
    // The command is the caller's: it gets no credential and no way to Temporal.
    builder.environment().keySet().removeIf(Secrets::isHiddenFromWorkloads);
    Process process = builder.redirectErrorStream(true).start();
    // A command that reads stdin gets end-of-file instead of waiting forever.
    process.getOutputStream().close();
    log.info("Started pid {}: {}", process.pid(), input.command());
    OutputTail tail = new OutputTail(TAIL_LINES);
    Thread reader =
        Thread.ofPlatform()
            .daemon()
            .name("shell-output-" + process.pid())
            .start(() -> tail.consume(process.getInputStream()));
    boolean exited = false;
    try {
      // Heartbeats come from this loop, not from output, so a silent command still heartbeats.
      while (!process.waitFor(HEARTBEAT_EVERY.toMillis(), TimeUnit.MILLISECONDS)) {
        heartbeat.report(new Progress(tail.count(), 0, tail.lastLine()), null);
      }
      exited = true;
    } finally {
      if (!exited) {
        log.info("Stopping pid {} and its descendants", process.pid());
        destroyTree(process);
      }
    }
    // Background children may keep the pipe open; their output is not waited for.
    reader.join(DRAIN_GRACE);
    int exitCode = process.exitValue();
    ShellOutput output = new ShellOutput(exitCode, tail.lines());
    log.info("pid {} exited with code {} after {} lines", process.pid(), exitCode, tail.count());
    if (exitCode != 0) {
      String last = tail.lastLine();
      throw new WorkloadFailedException(
          "command exited with code " + exitCode + ": " + (last.isEmpty() ? "(no output)" : last),
          output);
    }
    return JSON.valueToTree(output);
  }

  /** SIGTERM to the whole tree, then SIGKILL to whatever is still alive after a grace period. */
  static void destroyTree(Process process) {
    List<ProcessHandle> tree =
        Stream.concat(process.descendants(), Stream.of(process.toHandle())).toList();
    tree.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + STOP_GRACE.toNanos();
    try {
      for (ProcessHandle handle : tree) {
        while (handle.isAlive() && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
      }
    } catch (InterruptedException e) {
      // Skip the grace period but still make sure nothing survives.
      Thread.currentThread().interrupt();
    }
    tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }
}
