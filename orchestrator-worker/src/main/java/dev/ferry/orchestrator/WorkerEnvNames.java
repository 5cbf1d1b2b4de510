package dev.ferry.orchestrator;

import dev.ferry.providers.ProviderException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The names a run may not set in {@code compute.env}: variables that make the dynamic loader, the
 * JVM or the shell run code of the caller's choosing in a process that holds Ferry's credentials,
 * and Ferry's and Temporal's own settings, which the orchestrator alone sets.
 */
final class WorkerEnvNames {

  private static final Set<String> DENIED =
      Set.of(
          "JAVA_TOOL_OPTIONS",
          "JDK_JAVA_OPTIONS",
          "_JAVA_OPTIONS",
          "JAVA_OPTS",
          "CLASSPATH",
          "BASH_ENV",
          "ENV",
          "SHELLOPTS",
          "BASHOPTS",
          "PS4",
          "PATH");

  /** LD_* covers LD_PRELOAD, LD_LIBRARY_PATH and LD_AUDIT; DYLD_* is macOS's loader. */
  private static final List<String> DENIED_PREFIXES =
      List.of("LD_", "DYLD_", "FERRY_", "TEMPORAL_");

  private WorkerEnvNames() {}

  /** Why {@code name} is refused; null when it is allowed. */
  static String refusal(String name) {
    String upper = name.toUpperCase(Locale.ROOT);
    if (upper.startsWith("FERRY_") || upper.startsWith("TEMPORAL_")) {
      return "compute.env must not set '" + name + "': Ferry sets its own and Temporal's variables";
    }
    if (DENIED.contains(upper) || DENIED_PREFIXES.stream().anyMatch(upper::startsWith)) {
      return "compute.env must not set '"
          + name
          + "': it lets the caller inject code into the worker's loader, JVM or shell";
    }
    return null;
  }

  /**
   * Refuses the first denied name of {@code names}.
   *
   * @throws ProviderException.InvalidSpec naming the variable
   */
  static void check(Set<String> names) {
    names.stream()
        .sorted()
        .map(WorkerEnvNames::refusal)
        .filter(r -> r != null)
        .findFirst()
        .ifPresent(
            r -> {
              throw new ProviderException.InvalidSpec(r);
            });
  }
}
