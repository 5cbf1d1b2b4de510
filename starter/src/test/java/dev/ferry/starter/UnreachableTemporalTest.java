package dev.ferry.starter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.api.TemporalConnection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UnreachableTemporalTest {

  @Test
  void exitsTwoNamingTheAddressWhenTemporalIsNotThere() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    String address = "127.0.0.1:" + closedPort;
    FerryCli cli =
        new FerryCli(() -> TemporalConnection.client(Map.of("TEMPORAL_ADDRESS", address)));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int code =
        cli.run(
            new String[] {"run", "primes", "--input", "{\"below\": 100}"},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(code).isEqualTo(FerryCli.USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("cannot reach Temporal at " + address, "TEMPORAL_ADDRESS")
        .doesNotContain("\tat ");
  }
}
