package dev.ferry.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.ferry.providers.registry.RegistryCredentials;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImagePinningTest {

  private static final String DIGEST = "sha256:" + "ef".repeat(32);

  @TempDir Path dir;

  private RegistryCredentials noLogins() {
    return new RegistryCredentials(dir.resolve("config.json"));
  }

  @Test
  void pinsToTheDigestTheRegistryServes() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/v2/",
        exchange -> {
          exchange.getResponseHeaders().add("Docker-Content-Digest", DIGEST);
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.start();
    try {
      String registry = "127.0.0.1:" + server.getAddress().getPort();

      assertThat(ImagePinning.pinOrKeep(registry + "/w:1", noLogins()))
          .isEqualTo(registry + "/w@" + DIGEST);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void keepsAReferenceWhoseRegistryIsUnreachable() throws IOException {
    int closedPort;
    try (var socket = new java.net.ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    String image = "127.0.0.1:" + closedPort + "/w:1";

    assertThat(ImagePinning.pinOrKeep(image, noLogins())).isEqualTo(image);
  }

  @Test
  void aRefusalFromARegistryTheReferenceNamesIsAnError() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/v2/",
        exchange -> {
          exchange.sendResponseHeaders(401, -1);
          exchange.close();
        });
    server.start();
    try {
      String image = "127.0.0.1:" + server.getAddress().getPort() + "/w:1";

      assertThatThrownBy(() -> ImagePinning.pinOrKeep(image, noLogins()))
          .isInstanceOf(ProviderException.Auth.class);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void leavesAPinnedReferenceAsItIs() {
    String image = "127.0.0.1:9/w@" + DIGEST;

    assertThat(ImagePinning.pinOrKeep(image, noLogins())).isEqualTo(image);
  }
}
