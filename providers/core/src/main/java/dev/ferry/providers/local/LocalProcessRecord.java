package dev.ferry.providers.local;

import java.time.Instant;
import java.util.Map;

/**
 * What the local provider remembers of one child process, on disk, so that it can still find, judge
 * and stop the process after the orchestrator restarts.
 *
 * @param name the resource name
 * @param pid the process id
 * @param startedAt the process's start time as the OS reports it, to tell a reused pid apart
 * @param labels the resource's labels
 * @param exitCode the exit code once observed; null while running or when never observed
 */
record LocalProcessRecord(
    String name, long pid, Instant startedAt, Map<String, String> labels, Integer exitCode) {

  LocalProcessRecord withExitCode(int code) {
    return new LocalProcessRecord(name, pid, startedAt, labels, code);
  }
}
