package dev.ferry.orchestrator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The demo's one run, started and followed by the {@code ferry} CLI as a child process, so that the
 * orchestrator does not depend on the CLI's module: both are processes of their own.
 */
final class DemoRun {

  static final String STARTER_JAR = "FERRY_STARTER_JAR";
  static final String INPUT = "{\"below\": 10000000}";

  private DemoRun() {}

  /**
   * Runs {@code ferry run primes --wait} against the orchestrator's Temporal, with the terminal
   * handed over, and returns the CLI's exit code.
   *
   * @throws IllegalStateException when FERRY_STARTER_JAR names no jar
   */
  static int follow(OrchestratorConfig config) throws IOException, InterruptedException {
    Path jar = starterJar(config.env());
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(
        ProcessHandle.current().info().arguments().map(DemoRun::jvmFlags).orElse(List.of()));
    command.addAll(List.of("-jar", jar.toString(), "run", "primes", "--input", INPUT, "--wait"));
    ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
    builder.environment().put("TEMPORAL_ADDRESS", config.clientAddress());
    builder.environment().put("TEMPORAL_NAMESPACE", config.namespace());
    Process cli = builder.start();
    try {
      return cli.waitFor();
    } finally {
      cli.destroy();
    }
  }

  private static Path starterJar(Map<String, String> env) {
    String value = env.get(STARTER_JAR);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(
          STARTER_JAR
              + " must name the ferry CLI's jar (starter/target/starter.jar); ./ferry sets it");
    }
    Path jar = Path.of(value.trim());
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(STARTER_JAR + " names no file: " + jar);
    }
    return jar;
  }

  /** The JVM flags this process was started with (those before {@code -jar}), for the child. */
  private static List<String> jvmFlags(String[] arguments) {
    List<String> flags = new ArrayList<>();
    for (String argument : arguments) {
      if (argument.equals("-jar") || argument.equals("-cp") || !argument.startsWith("-")) {
        break;
      }
      flags.add(argument);
    }
    return flags;
  }
}
