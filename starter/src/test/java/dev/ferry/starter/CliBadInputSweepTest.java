package dev.ferry.starter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.api.BadInputs;
import dev.ferry.starter.FerryCliHarness.Invocation;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input sweep at the CLI: every row of {@link BadInputs} the command line can express exits
 * 2 with a message naming the option and the field, prints no stack trace, and starts no run (so
 * nothing can be provisioned).
 */
class CliBadInputSweepTest {

  @RegisterExtension final FerryCliHarness harness = new FerryCliHarness();

  static Stream<BadInputs.Case> cases() {
    return BadInputs.all().stream().filter(c -> c.cli() != null);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void exitsTwoNamingTheFieldAndStartsNothing(BadInputs.Case bad) {
    Invocation run = harness.ferry(bad.cli().toArray(String[]::new));

    assertThat(run.exitCode()).as(run.err()).isEqualTo(FerryCli.USAGE);
    assertThat(run.err()).startsWith("ferry: ").contains(bad.cliNames()).doesNotContain("\tat ");
    assertThat(run.out()).isEmpty();
    assertThat(harness.startedWorkflowIds()).isEmpty();
  }
}
