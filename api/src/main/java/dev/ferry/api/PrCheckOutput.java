package dev.ferry.api;

import java.time.Duration;
import java.util.List;

/**
 * Output of the {@code pr-check} workload. A failing check is an output with a non-zero exit code,
 * not a failed workload, so that base and head can be compared.
 *
 * @param exitCode the check command's exit code; {@value #TIMED_OUT} when it ran out of time
 * @param duration how long the command ran (the clone not included)
 * @param tail the last lines of its output
 * @param tests JUnit XML counts where the command left reports; null when it left none
 */
public record PrCheckOutput(int exitCode, Duration duration, List<String> tail, TestCounts tests) {

  /** The exit code of a check stopped at its time limit, as {@code timeout(1)} reports it. */
  public static final int TIMED_OUT = 124;

  public PrCheckOutput {
    tail = tail == null ? List.of() : List.copyOf(tail);
  }

  public boolean passed() {
    return exitCode == 0;
  }

  /** One line for a reviewer: test counts and the first failing tests, else the last line. */
  public String summary() {
    if (tests != null && tests.total() > 0) {
      return tests.summary();
    }
    if (exitCode == TIMED_OUT) {
      return "timed out";
    }
    String last = tail.isEmpty() ? "" : tail.get(tail.size() - 1);
    return "exit " + exitCode + (last.isBlank() ? "" : ": " + last);
  }

  /**
   * What JUnit XML reports counted.
   *
   * @param total test cases
   * @param failed failures and errors
   * @param skipped skipped test cases
   * @param failing the failing tests' names, {@code Class.method}, at most {@value #MAX_NAMES}
   */
  public record TestCounts(int total, int failed, int skipped, List<String> failing) {

    public static final int MAX_NAMES = 20;

    public TestCounts {
      failing = failing == null ? List.of() : List.copyOf(failing);
    }

    String summary() {
      if (failed == 0) {
        return total + " tests passed";
      }
      return failed
          + " of "
          + total
          + " tests failed"
          + (failing.isEmpty()
              ? ""
              : ": " + String.join(", ", failing.subList(0, Math.min(3, failing.size()))))
          + (failing.size() > 3 ? ", …" : "");
    }
  }
}
