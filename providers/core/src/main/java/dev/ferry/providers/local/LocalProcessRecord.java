package dev.ferry.providers.local;

import java.time.Instant;
import java.util.Map;

/**
 * What the local provider remembers of one child process, on disk, so that it can still find, judge
 * and stop the process after the orchestrator restarts. It is written before the process starts
 * (without a pid), so that no process ever runs without a record that leads to it.
 *
 * @param name the resource name
 * @param pid the process id; null while the process is being started
 * @param startedAt the process's start time as the OS reports it, to tell a reused pid apart; null
 *     while the process is being started
 * @param labels the resource's labels
 * @param exitCode the exit code once observed; null while running or when never observed
 */
record LocalProcessRecord(
    String name, Long pid, Instant startedAt, Map<String, String> labels, Integer exitCode) {

  /** The record of a process about to be started. */
  static LocalProcessRecord starting(String name, Map<String, String> labels) {
    return new LocalProcessRecord(name, null, null, labels, null);
  }

  /** Whether the process was started and its pid recorded. */
  boolean started() {
    return pid != null;
  }

  LocalProcessRecord withProcess(long pid, Instant startedAt) {
    return new LocalProcessRecord(name, pid, startedAt, labels, exitCode);
  }

  LocalProcessRecord withExitCode(int code) {
    return new LocalProcessRecord(name, pid, startedAt, labels, code);
  }
}
