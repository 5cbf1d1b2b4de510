package dev.ferry.providers.registry;

import dev.ferry.providers.Infrastructure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real registry for the tests: Debian's {@code docker-registry} (the Go distribution registry v2)
 * serving plain HTTP on a free loopback port, filesystem storage in a temporary directory, htpasswd
 * (bcrypt) auth for {@link #USER}/{@link #PASSWORD}. One per test JVM, started on first use and
 * stopped (its process, then its directory) when the JVM exits.
 */
public final class TestRegistry {

  public static final String USER = "ferry";
  public static final String PASSWORD = "s3cret-pass";
  private static final String BINARY = "docker-registry";
  private static final Duration STARTUP = Duration.ofSeconds(30);
  private static TestRegistry instance;

  private final String address;
  private final Path dir;

  private TestRegistry(String address, Path dir) {
    this.address = address;
    this.dir = dir;
  }

  /** The JVM's registry, started now if need be; skips (or fails) the test without the binary. */
  public static synchronized TestRegistry get() {
    Infrastructure.require(
        "the registry binary '"
            + BINARY
            + "' and 'htpasswd' (apt-get install docker-registry apache2-utils)",
        onPath(BINARY) && onPath("htpasswd"));
    if (instance == null) {
      instance = start();
    }
    return instance;
  }

  /** {@code 127.0.0.1:PORT}, the registry part of image references. */
  public String address() {
    return address;
  }

  /**
   * A Docker config directory (for {@code DOCKER_CONFIG}) holding the login for this registry as
   * {@code docker login} writes it; {@code password} null for a config with no login at all.
   */
  public Path dockerConfig(String name, String password) {
    Path config = dir.resolve("docker-config-" + name);
    try {
      Files.createDirectories(config);
      String auths =
          password == null
              ? "{}"
              : "{\""
                  + address
                  + "\": {\"auth\": \""
                  + Base64.getEncoder()
                      .encodeToString((USER + ":" + password).getBytes(StandardCharsets.UTF_8))
                  + "\"}}";
      Files.writeString(config.resolve("config.json"), "{\"auths\": " + auths + "}\n");
      return config;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static TestRegistry start() {
    try {
      Path dir = Files.createTempDirectory("ferry-registry");
      Files.writeString(dir.resolve("htpasswd"), htpasswd());
      int port = freePort();
      String address = "127.0.0.1:" + port;
      Files.writeString(
          dir.resolve("config.yml"),
          String.join(
              "\n",
              "version: 0.1",
              "log:",
              "  level: warn",
              "storage:",
              "  filesystem:",
              "    rootdirectory: " + dir.resolve("data"),
              "  delete:",
              "    enabled: true",
              "http:",
              "  addr: " + address,
              "auth:",
              "  htpasswd:",
              "    realm: ferry-test",
              "    path: " + dir.resolve("htpasswd"),
              ""));
      Process process =
          new ProcessBuilder(BINARY, "serve", dir.resolve("config.yml").toString())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("registry.log").toFile())
              .start();
      Runtime.getRuntime()
          .addShutdownHook(new Thread(() -> stop(process, dir), "ferry-test-registry-stop"));
      awaitUp(process, address, dir);
      return new TestRegistry(address, dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String htpasswd() throws IOException {
    Process process = new ProcessBuilder("htpasswd", "-Bbn", USER, PASSWORD).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("htpasswd -Bbn failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return out.strip() + "\n";
  }

  /** Up means the API answers /v2/ with the 401 that asks for a login. */
  private static void awaitUp(Process process, String address, Path dir) throws IOException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    Instant deadline = Instant.now().plus(STARTUP);
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "docker-registry exited " + process.exitValue() + ": " + log(dir));
      }
      try {
        int status =
            http.send(
                    HttpRequest.newBuilder(URI.create("http://" + address + "/v2/")).build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode();
        if (status == 401) {
          return;
        }
      } catch (IOException notYet) {
        // Not listening yet.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      if (Instant.now().isAfter(deadline)) {
        process.destroyForcibly();
        throw new IllegalStateException(
            "docker-registry did not answer on "
                + address
                + " within "
                + STARTUP
                + ": "
                + log(dir));
      }
      process.onExit().completeOnTimeout(process, 100, TimeUnit.MILLISECONDS).join();
    }
  }

  private static String log(Path dir) {
    try {
      return Files.readString(dir.resolve("registry.log"));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private static void stop(Process process, Path dir) {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // A temp directory left behind is harmless; the process is what must not outlive the JVM.
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static boolean onPath(String binary) {
    String path = System.getenv().getOrDefault("PATH", "");
    return List.of(path.split(java.io.File.pathSeparator)).stream()
        .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, binary)));
  }
}
