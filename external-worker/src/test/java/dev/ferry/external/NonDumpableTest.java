package dev.ferry.external;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Whether the worker can make itself non-dumpable on this JVM. What that denies a workload's code
 * (reading the worker's environment from {@code /proc} as the same non-root user) is shown on a
 * real worker container by {@code SecretsIT}.
 */
class NonDumpableTest {

  @Test
  void appliesOnJava22OnLinuxAndSaysNoElsewhere() {
    boolean supported =
        Runtime.version().feature() >= 22
            && System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).contains("linux");

    // apply() reads the flag back with PR_GET_DUMPABLE and is true only when it is 0.
    assertThat(NonDumpable.apply()).isEqualTo(supported);
  }
}
