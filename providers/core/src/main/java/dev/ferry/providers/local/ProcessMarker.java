package dev.ferry.providers.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * Marks each worker with its resource name in its environment, so that a worker whose start was cut
 * short before its pid was recorded (the orchestrator died in between) can still be found. The
 * search reads {@code /proc/<pid>/environ}: on systems without {@code /proc} it finds nothing.
 */
final class ProcessMarker {

  /** The variable every local worker gets, holding its resource name. */
  static final String VARIABLE = "FERRY_LOCAL_RESOURCE";

  private ProcessMarker() {}

  /** The live process of this user whose environment marks it as the worker of {@code name}. */
  static Optional<ProcessHandle> find(String name) {
    byte[] marker = (VARIABLE + "=" + name).getBytes(StandardCharsets.UTF_8);
    return ProcessHandle.allProcesses()
        .filter(ProcessHandle::isAlive)
        .filter(p -> carries(p.pid(), marker))
        .findFirst();
  }

  private static boolean carries(long pid, byte[] marker) {
    byte[] environ;
    try {
      environ = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
    } catch (IOException | SecurityException e) {
      // Another user's process, one that just ended, or no /proc: not ours to adopt.
      return false;
    }
    int start = 0;
    for (int i = 0; i <= environ.length; i++) {
      if (i == environ.length || environ[i] == 0) {
        if (Arrays.equals(environ, start, i, marker, 0, marker.length)) {
          return true;
        }
        start = i + 1;
      }
    }
    return false;
  }
}
