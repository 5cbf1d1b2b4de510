package dev.ferry.providers.local;

import dev.ferry.providers.ComputeProvider;
import dev.ferry.providers.ComputeProviderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Configures the {@code local} provider: {@code FERRY_LOCAL_WORKER_JAR} (the external worker's
 * jar), {@code FERRY_LOCAL_STATE_DIR} and {@code FERRY_LOCAL_STOP_GRACE}.
 */
public final class LocalProviderFactory implements ComputeProviderFactory {

  static final String WORKER_JAR = "FERRY_LOCAL_WORKER_JAR";
  static final String STATE_DIR = "FERRY_LOCAL_STATE_DIR";
  static final String STOP_GRACE = "FERRY_LOCAL_STOP_GRACE";
  private static final Path DEFAULT_JAR = Path.of("external-worker/target/external-worker.jar");

  @Override
  public String id() {
    return LocalComputeProvider.ID;
  }

  @Override
  public ComputeProvider create(Map<String, String> env) {
    Path jar = env.containsKey(WORKER_JAR) ? Path.of(env.get(WORKER_JAR)) : DEFAULT_JAR;
    if (!Files.isRegularFile(jar)) {
      throw new IllegalArgumentException(
          WORKER_JAR + " must name the external worker's jar; no file at " + jar.toAbsolutePath());
    }
    Path stateDir =
        Path.of(
            env.getOrDefault(
                STATE_DIR,
                Path.of(System.getProperty("java.io.tmpdir"), "ferry-local").toString()));
    Duration grace = parseDuration(env.getOrDefault(STOP_GRACE, "PT10S"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java));
    if (Runtime.version().feature() >= 24) {
      // gRPC and protobuf still use sun.misc.Unsafe and native access: allowed, without warnings.
      command.addAll(
          List.of("--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED"));
    }
    command.addAll(List.of("-jar", jar.toAbsolutePath().toString()));
    return new LocalComputeProvider(command, stateDir, grace);
  }

  private static Duration parseDuration(String value) {
    try {
      Duration grace = Duration.parse(value);
      if (grace.isNegative()) {
        throw new IllegalArgumentException(STOP_GRACE + " must not be negative, was " + value);
      }
      return grace;
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          STOP_GRACE + " must be an ISO-8601 duration like PT10S, was '" + value + "'", e);
    }
  }
}
