package dev.ferry.providers.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.exception.NotFoundException;
import dev.ferry.api.ComputeSpec;
import dev.ferry.api.ProvisionRequest;
import dev.ferry.providers.ProviderException;
import dev.ferry.providers.registry.RegistryCredentials;
import dev.ferry.providers.registry.TestRegistry;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Pulls from a real registry with htpasswd auth, through the engine, failing by cause. */
class DockerPullTest {

  private static final String ABSENT_DIGEST = "sha256:" + "0".repeat(64);

  private TestRegistry registry;

  @BeforeEach
  void needsAnEngine() {
    DockerTestEngine.provider();
  }

  private TestRegistry registry() {
    if (registry == null) {
      registry = TestRegistry.get();
    }
    return registry;
  }

  private DockerComputeProvider provider(Path dockerConfig) {
    DockerSettings settings = DockerSettings.fromEnv(DockerTestEngine.env());
    return new DockerComputeProvider(
        DockerProviderFactory.client(settings),
        settings,
        new RegistryCredentials(dockerConfig.resolve("config.json")));
  }

  private static ProvisionRequest request(String name, String image) {
    return new ProvisionRequest(
        name,
        "q-" + name,
        new ComputeSpec("docker", image, 0, 0, null, Map.of()),
        Map.of("ferry.test", "docker-pull"),
        Instant.now().plusSeconds(600));
  }

  @Test
  void refusedCredentialsAreAnAuthErrorAndCreateNoContainer() throws Exception {
    String image = registry().address() + "/ferry/absent@" + ABSENT_DIGEST;
    String name = "ferry-pull-auth-" + System.nanoTime();
    try (var provider = provider(registry().dockerConfig("pull-wrong", "wrong-password"))) {

      assertThatThrownBy(() -> provider.provision(request(name, image)))
          .isInstanceOf(ProviderException.Auth.class)
          .hasMessageContaining("image " + image + " is not on this engine")
          .hasMessageContaining("unauthorized");
    }
    assertThatThrownBy(() -> DockerTestEngine.client().inspectContainerCmd(name).exec())
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void anImageTheRegistryDoesNotHaveIsAnInvalidSpecAndCreatesNoContainer() throws Exception {
    String image = registry().address() + "/ferry/absent@" + ABSENT_DIGEST;
    String name = "ferry-pull-missing-" + System.nanoTime();
    try (var provider = provider(registry().dockerConfig("pull-good", TestRegistry.PASSWORD))) {

      assertThatThrownBy(() -> provider.provision(request(name, image)))
          .isInstanceOf(ProviderException.InvalidSpec.class)
          .hasMessageContaining("image " + image + " is not on this engine")
          .hasMessageContaining("manifest unknown");
    }
    assertThatThrownBy(() -> DockerTestEngine.client().inspectContainerCmd(name).exec())
        .isInstanceOf(NotFoundException.class);
  }

  /**
   * A registry that answers its version check and then every request with one status and body, as a
   * throttling, failing or forbidding registry does; the engine pulls from it over loopback. Plain
   * sockets, one request per connection: the engine first tries TLS, and a connection that starts
   * with a TLS handshake is closed at once, so the engine falls back to HTTP without waiting.
   */
  private static final class StandInRegistry implements AutoCloseable {
    /**
     * A status that makes the stand-in serve an image's manifest and config, so that the pull gets
     * under way, and then hold the request for its layer unanswered.
     */
    static final int STALL = 0;

    private static final String MANIFEST_TYPE =
        "application/vnd.docker.distribution.manifest.v2+json";
    private static final String STALLED_CONFIG =
        "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
            + "\"diff_ids\":[\"sha256:"
            + "1".repeat(64)
            + "\"]},\"config\":{}}";
    private static final String STALLED_MANIFEST =
        "{\"schemaVersion\":2,\"mediaType\":\""
            + MANIFEST_TYPE
            + "\",\"config\":{\"mediaType\":\"application/vnd.docker.container.image.v1+json\","
            + "\"size\":"
            + STALLED_CONFIG.length()
            + ",\"digest\":\""
            + digest(STALLED_CONFIG)
            + "\"},\"layers\":[{\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar.gzip\","
            + "\"size\":100000,\"digest\":\"sha256:"
            + "2".repeat(64)
            + "\"}]}";

    private final ServerSocket socket;
    private final CountDownLatch stalledRequestSeen = new CountDownLatch(1);
    private final List<Socket> held = new CopyOnWriteArrayList<>();

    StandInRegistry(int status, String body) throws IOException {
      socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread.ofVirtual()
          .start(
              () -> {
                while (!socket.isClosed()) {
                  try {
                    Socket connection = socket.accept();
                    Thread.ofVirtual()
                        .start(
                            () -> {
                              if (answer(connection, status, body)) {
                                held.add(connection);
                                stalledRequestSeen.countDown();
                              }
                            });
                  } catch (IOException closed) {
                    return;
                  }
                }
              });
    }

    int port() {
      return socket.getLocalPort();
    }

    /** Whether a request came that is being held unanswered. */
    boolean awaitStalledRequest(Duration timeout) throws InterruptedException {
      return stalledRequestSeen.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Answers one request, or holds it open (true) when stalling. */
    private static boolean answer(Socket connection, int status, String body) {
      boolean holding = false;
      try {
        var in = new BufferedInputStream(connection.getInputStream());
        in.mark(1);
        if (in.read() == 0x16) {
          return false; // a TLS handshake: not spoken here
        }
        in.reset();
        var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1));
        String[] requestLine = reader.readLine().split(" ");
        while (!reader.readLine().isEmpty()) {
          // headers: none matter here
        }
        boolean versionCheck = requestLine[1].equals("/v2/");
        if (status == STALL && !versionCheck) {
          if (requestLine[1].contains("/manifests/")) {
            send(connection, requestLine[0], STALLED_MANIFEST, MANIFEST_TYPE);
            return false;
          }
          if (requestLine[1].endsWith(digest(STALLED_CONFIG))) {
            send(connection, requestLine[0], STALLED_CONFIG, "application/octet-stream");
            return false;
          }
          holding = true; // the layer: the pull has started, and now waits here
          return true;
        }
        int code = versionCheck ? 200 : status;
        byte[] content = (versionCheck ? "{}" : body).getBytes(StandardCharsets.UTF_8);
        String head =
            "HTTP/1.1 "
                + code
                + " Status\r\nContent-Type: "
                + (body.startsWith("{") || versionCheck ? "application/json" : "text/plain")
                + "\r\nDocker-Distribution-API-Version: registry/2.0\r\nContent-Length: "
                + content.length
                + "\r\nConnection: close\r\n\r\n";
        var out = connection.getOutputStream();
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        if (!requestLine[0].equals("HEAD")) {
          out.write(content);
        }
        out.flush();
        return false;
      } catch (IOException | RuntimeException e) {
        // The engine hung up: nothing to answer.
        return false;
      } finally {
        if (!holding) {
          try {
            connection.close();
          } catch (IOException e) {
            // already gone
          }
        }
      }
    }

    private static String digest(String content) {
      try {
        return "sha256:"
            + HexFormat.of()
                .formatHex(
                    MessageDigest.getInstance("SHA-256")
                        .digest(content.getBytes(StandardCharsets.UTF_8)));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    private static void send(Socket connection, String method, String content, String type)
        throws IOException {
      byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
      String head =
          "HTTP/1.1 200 OK\r\nContent-Type: "
              + type
              + "\r\nDocker-Content-Digest: "
              + digest(content)
              + "\r\nDocker-Distribution-API-Version: registry/2.0\r\nContent-Length: "
              + bytes.length
              + "\r\nConnection: close\r\n\r\n";
      var out = connection.getOutputStream();
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
      if (!method.equals("HEAD")) {
        out.write(bytes);
      }
      out.flush();
    }

    @Override
    public void close() throws IOException {
      socket.close();
      // Ends the engine's own wait for the held requests, so that it stops pulling.
      for (Socket connection : held) {
        connection.close();
      }
    }
  }

  private static String errors(String code) {
    return "{\"errors\":[{\"code\":\"" + code + "\",\"message\":\"injected\"}]}";
  }

  static Stream<Arguments> registryFailures() {
    return Stream.of(
        Arguments.of(429, errors("TOOMANYREQUESTS"), ProviderException.Unavailable.class),
        Arguments.of(500, "internal error", ProviderException.Unavailable.class),
        Arguments.of(503, errors("UNAVAILABLE"), ProviderException.Unavailable.class),
        Arguments.of(401, errors("UNAUTHORIZED"), ProviderException.Auth.class),
        // A proxy in front of the registry forbidding the pull; a registry's own 403 says
        // "denied", which the engine words as it words a missing repository.
        Arguments.of(403, "Forbidden", ProviderException.Auth.class),
        Arguments.of(404, errors("MANIFEST_UNKNOWN"), ProviderException.InvalidSpec.class));
  }

  @ParameterizedTest(name = "registry answers {0} -> {2}")
  @MethodSource("registryFailures")
  void aRegistryFailureMapsByItsCauseAndCreatesNoContainer(
      int status, String body, Class<? extends ProviderException> expected) throws Exception {
    String name = "ferry-pull-" + status + "-" + System.nanoTime();
    try (var standIn = new StandInRegistry(status, body);
        var provider = provider(Files.createTempDirectory("no-logins"))) {
      String image = "127.0.0.1:" + standIn.port() + "/ferry/absent:1";

      assertThatThrownBy(() -> provider.provision(request(name, image)))
          .isInstanceOf(expected)
          .hasMessageContaining("image " + image + " is not on this engine");
    }
    assertThatThrownBy(() -> DockerTestEngine.client().inspectContainerCmd(name).exec())
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void aPullThatOutlivesItsTimeoutIsRetryableAndLeavesNoStreamOrThreadBehind() throws Exception {
    DockerSettings settings = DockerSettings.fromEnv(DockerTestEngine.env());
    try (var standIn = new StandInRegistry(StandInRegistry.STALL, "");
        var client = DockerProviderFactory.client(settings)) {
      String image = "127.0.0.1:" + standIn.port() + "/ferry/stalled:1";
      var images =
          new DockerImages(
              client,
              new DockerErrors(settings.dockerHost().toString()),
              Duration.ofSeconds(3),
              new RegistryCredentials(
                  Files.createTempDirectory("no-logins").resolve("config.json")));
      Set<Thread> before = Thread.getAllStackTraces().keySet();
      CompletableFuture<Void> pull = CompletableFuture.runAsync(() -> images.ensurePresent(image));
      assertThat(standIn.awaitStalledRequest(Duration.ofSeconds(30)))
          .as("the engine asked the stand-in for the manifest")
          .isTrue();
      // The threads docker-java started for this pull's stream (the pull's own caller aside).
      List<Thread> streamThreads =
          Thread.getAllStackTraces().keySet().stream()
              .filter(t -> !before.contains(t) && t.getName().startsWith("docker-java-stream"))
              .toList();
      assertThat(streamThreads).as("threads reading the pull's stream").isNotEmpty();

      assertThatThrownBy(pull::join)
          .cause()
          .isInstanceOf(ProviderException.Unavailable.class)
          .hasMessageContaining("is still not pulled after PT3S");
      for (Thread thread : streamThreads) {
        thread.join(Duration.ofSeconds(30));
        assertThat(thread.isAlive()).as("%s still reading after the timeout", thread).isFalse();
      }
    }
  }
}
