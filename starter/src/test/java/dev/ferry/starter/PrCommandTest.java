package dev.ferry.starter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code ferry pr}'s mistakes: exit 2 naming the option, before any connection to Temporal. */
class PrCommandTest {

  private static final String SHA = "0123456789abcdef0123456789abcdef01234567";

  private final AtomicInteger connections = new AtomicInteger();
  private final FerryCli cli =
      new FerryCli(
          () -> {
            connections.incrementAndGet();
            throw new IllegalStateException("this test has no Temporal server");
          },
          Duration.ofMillis(50));

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "--repo acme --pr 1 --old S --new S | repo must be OWNER/NAME",
        "--repo a/b --pr 0 --old S --new S | pr must be a positive number",
        "--repo a/b --pr 1 --old abc --new S | old must be a full 40-character hex commit id",
        "--repo a/b --pr 1 --old S --new xyz | new must be a full 40-character hex commit id",
        "--repo a/b --pr 1 --old S --new S --clone-url ssh://h/r | cloneUrl must be an https:// or file:// URL",
        "--repo a/b --pr 1 --old S | Missing required option: '--new=SHA'",
      })
  void aMistakeExitsTwoNamingItAndConnectsToNothing(String args, String message) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] argv = ("pr " + args.replace(" S", " " + SHA)).split(" ");

    int exit =
        cli.run(
            argv,
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(exit).isEqualTo(FerryCli.USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains(message);
    assertThat(connections).hasValue(0);
  }
}
