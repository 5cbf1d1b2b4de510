package dev.ferry.providers.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ferry.providers.ProviderException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The token flow and error mapping against a tiny registry stand-in that checks what it gets. */
class RegistryClientTest {

  private static final String DIGEST = "sha256:" + "cd".repeat(32);
  private static final String BASIC =
      "Basic " + Base64.getEncoder().encodeToString("user:pass".getBytes(StandardCharsets.UTF_8));

  @TempDir Path dir;
  private HttpServer server;
  private String registry;
  private final List<String> seen = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.start();
    registry = "127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private RegistryClient client(String user, String password) throws IOException {
    if (user != null) {
      String auth =
          Base64.getEncoder()
              .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
      Files.writeString(
          dir.resolve("config.json"),
          "{\"auths\": {\"" + registry + "\": {\"auth\": \"" + auth + "\"}}}");
    }
    return new RegistryClient(new RegistryCredentials(dir.resolve("config.json")));
  }

  /** A registry that wants a Bearer token, given by its token service for user:pass only. */
  private void bearerRegistry() {
    server.createContext(
        "/token",
        exchange -> {
          seen.add("token " + exchange.getRequestURI().getQuery());
          if (!BASIC.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            reply(exchange, 401, "{}");
            return;
          }
          reply(exchange, 200, "{\"token\": \"t0k\"}");
        });
    server.createContext(
        "/v2/",
        exchange -> {
          seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
          if (!"Bearer t0k".equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            exchange
                .getResponseHeaders()
                .add(
                    "WWW-Authenticate",
                    "Bearer realm=\"http://"
                        + registry
                        + "/token\",service=\"test-registry\",scope=\"repository:ferry/worker:pull\"");
            reply(exchange, 401, "");
            return;
          }
          if (!exchange.getRequestHeaders().getFirst("Accept").contains("manifest.list.v2")) {
            reply(exchange, 406, "");
            return;
          }
          if (!exchange.getRequestURI().getPath().equals("/v2/ferry/worker/manifests/1")) {
            reply(exchange, 404, "");
            return;
          }
          exchange.getResponseHeaders().add("Docker-Content-Digest", DIGEST);
          reply(exchange, 200, "");
        });
  }

  private static void reply(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    boolean head = exchange.getRequestMethod().equals("HEAD") || bytes.length == 0;
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      exchange.getResponseBody().write(bytes);
    }
    exchange.close();
  }

  @Test
  void pinsATagThroughTheBearerTokenFlow() throws IOException {
    bearerRegistry();

    String pinned = client("user", "pass").pin(registry + "/ferry/worker:1");

    assertThat(pinned).isEqualTo(registry + "/ferry/worker@" + DIGEST);
    assertThat(seen)
        .containsExactly(
            "HEAD /v2/ferry/worker/manifests/1",
            "token service=test-registry&scope=repository:ferry/worker:pull",
            "HEAD /v2/ferry/worker/manifests/1");
  }

  @Test
  void leavesAPinnedReferenceAloneWithoutAskingTheRegistry() throws IOException {
    bearerRegistry();
    String image = registry + "/ferry/worker@" + DIGEST;

    assertThat(client(null, null).pin(image)).isEqualTo(image);
    assertThat(seen).isEmpty();
  }

  @Test
  void refusedCredentialsAreAnAuthErrorNamingTheRegistry() throws IOException {
    bearerRegistry();
    RegistryClient client = client("user", "wrong");

    assertThatThrownBy(() -> client.pin(registry + "/ferry/worker:1"))
        .isInstanceOf(ProviderException.Auth.class)
        .hasMessageContaining("registry " + registry)
        .hasMessageContaining("HTTP 401")
        .hasMessageContaining("were refused");
  }

  @Test
  void noLoginIsAnAuthErrorThatSaysHowToLogIn() throws IOException {
    bearerRegistry();
    RegistryClient client = client(null, null);

    assertThatThrownBy(() -> client.pin(registry + "/ferry/worker:1"))
        .isInstanceOf(ProviderException.Auth.class)
        .hasMessageContaining("holds no login for it (docker login " + registry + ")");
  }

  @Test
  void anUnknownTagIsAnInvalidSpec() throws IOException {
    bearerRegistry();
    RegistryClient client = client("user", "pass");

    assertThatThrownBy(() -> client.pin(registry + "/ferry/worker:2"))
        .isInstanceOf(ProviderException.InvalidSpec.class)
        .hasMessageContaining("manifest unknown");
  }

  @Test
  void basicAuthIsSentFirstAndAMissingDigestHeaderIsComputedFromTheManifest() throws IOException {
    String manifest = "{\"schemaVersion\": 2}";
    server.createContext(
        "/v2/",
        exchange -> {
          seen.add(exchange.getRequestMethod());
          if (!BASIC.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"r\"");
            reply(exchange, 401, "");
            return;
          }
          reply(exchange, 200, exchange.getRequestMethod().equals("GET") ? manifest : "");
        });

    String pinned = client("user", "pass").pin(registry + "/ferry/worker:1");

    assertThat(pinned)
        .isEqualTo(
            registry
                + "/ferry/worker@sha256:"
                + java.util.HexFormat.of()
                    .formatHex(sha256(manifest.getBytes(StandardCharsets.UTF_8))));
    assertThat(seen).containsExactly("HEAD", "GET");
  }

  @Test
  void rateLimitsAndServerErrorsAreRetryable() throws IOException {
    server.createContext(
        "/v2/ferry/limited/",
        exchange -> {
          exchange.getResponseHeaders().add("Retry-After", "7");
          reply(exchange, 429, "");
        });
    server.createContext("/v2/ferry/broken/", exchange -> reply(exchange, 503, ""));
    RegistryClient client = client(null, null);

    assertThatThrownBy(() -> client.pin(registry + "/ferry/limited:1"))
        .isInstanceOfSatisfying(
            ProviderException.RateLimited.class, e -> assertThat(e.retryAfter()).hasSeconds(7));
    assertThatThrownBy(() -> client.pin(registry + "/ferry/broken:1"))
        .isInstanceOf(ProviderException.Unavailable.class)
        .hasMessageContaining("HTTP 503");
  }

  @Test
  void anUnreachableRegistryIsUnavailable() throws IOException {
    RegistryClient client = client(null, null);
    server.stop(0);

    assertThatThrownBy(() -> client.pin(registry + "/ferry/worker:1"))
        .isInstanceOf(ProviderException.Unavailable.class)
        .hasMessageContaining("registry " + registry + " is unreachable");
  }

  private static byte[] sha256(byte[] body) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256").digest(body);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
