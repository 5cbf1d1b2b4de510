package dev.ferry.starter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The command line as a whole: usage, help, and that mistakes need no Temporal server. */
class FerryCliTest {

  private final AtomicInteger connections = new AtomicInteger();

  private final FerryCli cli =
      new FerryCli(
          () -> {
            connections.incrementAndGet();
            throw new IllegalStateException("this test has no Temporal server");
          },
          Duration.ofMillis(50));

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int ferry(String... args) {
    return cli.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void printsUsageOnStderrAndExitsTwoWithoutArguments() {
    assertThat(ferry()).isEqualTo(FerryCli.USAGE);

    assertThat(err())
        .contains("Usage: ferry")
        .contains("run", "status", "result", "cancel", "list");
    assertThat(out()).isEmpty();
    assertThat(connections).hasValue(0);
  }

  @Test
  void exitsTwoOnUnknownSubcommand() {
    assertThat(ferry("launch", "primes")).isEqualTo(FerryCli.USAGE);

    assertThat(err()).contains("launch");
    assertThat(connections).hasValue(0);
  }

  @Test
  void exitsTwoOnUnknownOption() {
    assertThat(ferry("run", "primes", "--colour", "blue")).isEqualTo(FerryCli.USAGE);

    assertThat(err()).contains("--colour");
  }

  @Test
  void exitsTwoWhenRunIsMissingItsWorkload() {
    assertThat(ferry("run")).isEqualTo(FerryCli.USAGE);

    assertThat(err()).contains("WORKLOAD");
  }

  @Test
  void printsHelpOnStdoutAndExitsZero() {
    assertThat(ferry("--help")).isEqualTo(FerryCli.OK);

    assertThat(out()).contains("Usage: ferry").contains("cancel");
    assertThat(connections).hasValue(0);
  }

  @Test
  void printsSubcommandHelpNamingItsOptions() {
    assertThat(ferry("run", "--help")).isEqualTo(FerryCli.OK);

    assertThat(out()).contains("--input", "--wait", "--boot-timeout", "--id");
  }

  @Test
  void rejectsInvalidRequestsWithoutConnecting() {
    assertThat(ferry("run", "primes", "--input", "{bad")).isEqualTo(FerryCli.USAGE);
    assertThat(ferry("run", "bitcoin")).isEqualTo(FerryCli.USAGE);
    assertThat(ferry("run", "primes", "--boot-timeout", "0s")).isEqualTo(FerryCli.USAGE);

    assertThat(connections).hasValue(0);
  }

  @Test
  void connectsOnceForACommandThatNeedsTheServer() {
    int exitCode = ferry("status", "run-1");

    assertThat(connections).hasValue(1);
    assertThat(exitCode).isNotZero();
  }
}
