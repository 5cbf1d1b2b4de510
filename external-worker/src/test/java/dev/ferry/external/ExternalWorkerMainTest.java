package dev.ferry.external;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExternalWorkerMainTest {

  @Test
  void exitsWithTwoAndNamesTheVariableWhenTheConfigIsBad() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int exit =
        ExternalWorkerMain.run(
            Map.of("FERRY_TASK_QUEUE", "q", "FERRY_IDLE_TIMEOUT", "later"),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("external-worker: FERRY_IDLE_TIMEOUT");
  }
}
