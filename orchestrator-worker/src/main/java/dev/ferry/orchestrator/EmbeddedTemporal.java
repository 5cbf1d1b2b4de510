package dev.ferry.orchestrator;

import io.temporal.testserver.TestServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Temporal's test server inside this process, in real time, for when no TEMPORAL_ADDRESS is set: no
 * install, nothing persisted.
 */
final class EmbeddedTemporal implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedTemporal.class);

  private final TestServer.PortBoundTestServer server;
  private final int port;

  private EmbeddedTemporal(TestServer.PortBoundTestServer server, int port) {
    this.server = server;
    this.port = port;
  }

  /**
   * Starts the server on {@code port}.
   *
   * @throws IllegalStateException naming the port and FERRY_TEMPORAL_PORT when it is taken
   */
  static EmbeddedTemporal start(int port) {
    if (!free(port)) {
      throw portInUse(port, null);
    }
    try {
      // Time skipping stays locked: runs must see real time, not the test server's fast-forward.
      TestServer.PortBoundTestServer server = TestServer.createPortBoundServer(port, true);
      log.info(
          "no TEMPORAL_ADDRESS set: started an embedded Temporal test server on port {}", port);
      return new EmbeddedTemporal(server, port);
    } catch (RuntimeException e) {
      throw portInUse(port, e);
    }
  }

  int port() {
    return port;
  }

  @Override
  public void close() {
    server.close();
  }

  private static boolean free(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static IllegalStateException portInUse(int port, Exception cause) {
    return new IllegalStateException(
        "cannot start the embedded Temporal server: port "
            + port
            + " is in use. Set FERRY_TEMPORAL_PORT to a free port, or TEMPORAL_ADDRESS to use the"
            + " Temporal server that is already running there",
        cause);
  }
}
