package dev.ferry.api;

import java.time.Duration;

/**
 * How one side of a pull-request check ended.
 *
 * @param output the check's output; null when the side could not run
 * @param elapsed the side's run from start to teardown
 * @param error why the side could not run; null when it ran
 */
public record SideOutcome(PrCheckOutput output, Duration elapsed, String error) {

  public boolean ran() {
    return output != null;
  }
}
