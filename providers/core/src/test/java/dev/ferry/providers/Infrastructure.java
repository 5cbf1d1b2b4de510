package dev.ferry.providers;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Guards tests that need a real piece of infrastructure (a Docker engine, a Temporal server): they
 * are skipped where it is missing, unless the build requires it ({@code -Dferry.requireInfra=1} or
 * {@code FERRY_REQUIRE_INFRA=1}, as CI sets), in which case they fail.
 */
public final class Infrastructure {

  private Infrastructure() {}

  /**
   * Returns when {@code available}; otherwise skips or fails the current test.
   *
   * @param what the missing piece, for the message, e.g. "a Docker engine at DOCKER_HOST"
   */
  public static void require(String what, boolean available) {
    if (available) {
      return;
    }
    if (required()) {
      Assertions.fail("required infrastructure missing: " + what);
    }
    Assumptions.abort("skipped: " + what + " is not available");
  }

  /** True when missing infrastructure must fail the build rather than skip tests. */
  public static boolean required() {
    return "1".equals(System.getProperty("ferry.requireInfra"))
        || "1".equals(System.getenv("FERRY_REQUIRE_INFRA"));
  }
}
