package dev.ferry.providers.digitalocean;

import dev.ferry.providers.Infrastructure;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Prism serving DigitalOcean's own OpenAPI specification on a free loopback port: a mock that
 * rejects every request the specification does not allow (422 or 400 with an {@code sl-violations}
 * header). Installed from the npm registry into a project-local directory when missing, started
 * once per test JVM and stopped when the JVM exits.
 */
final class PrismMock {

  static final List<String> VERSIONS = List.of("5.16.0", "5.15.11");
  static final Path INSTALL_DIR =
      Path.of(System.getProperty("user.home"), ".cache", "ferry", "prism");
  private static final Duration LOAD_TIME = Duration.ofSeconds(120);

  private static URI url;
  private static String missing;

  private PrismMock() {}

  /** The mock's base URL; skips (or fails, when infrastructure is required) without Prism. */
  static synchronized URI url() {
    if (url == null && missing == null) {
      try {
        url = start();
      } catch (IllegalStateException e) {
        missing = e.getMessage();
      }
    }
    Infrastructure.require(String.valueOf(missing), missing == null);
    return url;
  }

  /**
   * DigitalOcean's specification: {@code FERRY_DO_SPEC}, or the shared copy next to the repository
   * (found from whichever module's directory the tests run in).
   */
  static Path spec() {
    String configured = System.getenv("FERRY_DO_SPEC");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    Path root = Path.of("").toAbsolutePath();
    while (root.getParent() != null && !Files.exists(root.resolve("mvnw"))) {
      root = root.getParent();
    }
    return root.resolveSibling("shared")
        .resolve(Path.of("specs", "digitalocean-openapi", "specification"))
        .resolve("DigitalOcean-public.v2.yaml")
        .normalize();
  }

  private static URI start() {
    Path spec = spec();
    if (!Files.isRegularFile(spec)) {
      throw new IllegalStateException(
          "DigitalOcean's OpenAPI specification at " + spec + " (set FERRY_DO_SPEC)");
    }
    Path prism = binary();
    int port = freePort();
    Path log = Path.of("target", "prism.log").toAbsolutePath();
    Process process;
    try {
      Files.createDirectories(log.getParent());
      process =
          new ProcessBuilder(
                  prism.toString(),
                  "mock",
                  "--host",
                  "127.0.0.1",
                  "--port",
                  String.valueOf(port),
                  spec.toString())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
    } catch (IOException e) {
      throw new IllegalStateException("Prism (" + prism + " cannot start: " + e + ")");
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  process.descendants().forEach(ProcessHandle::destroy);
                  process.destroy();
                }));
    Instant deadline = Instant.now().plus(LOAD_TIME);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "Prism (it exited with " + process.exitValue() + "; see " + log + ")");
      }
      if (listening(log) && accepts(port)) {
        return URI.create("http://127.0.0.1:" + port);
      }
      sleep(Duration.ofMillis(250));
    }
    process.destroyForcibly();
    throw new IllegalStateException(
        "Prism (not listening after " + LOAD_TIME + "; see " + log + ")");
  }

  /** {@code FERRY_PRISM}, else the project-local install, made with npm when missing. */
  private static Path binary() {
    String configured = System.getenv("FERRY_PRISM");
    if (configured != null && !configured.isBlank()) {
      Path path = Path.of(configured);
      if (!Files.isExecutable(path)) {
        throw new IllegalStateException("Prism at FERRY_PRISM=" + configured + " (not executable)");
      }
      return path;
    }
    Path local = INSTALL_DIR.resolve(Path.of("node_modules", ".bin", "prism"));
    if (Files.isExecutable(local)) {
      return local;
    }
    for (String version : VERSIONS) {
      if (run(
              List.of(
                  "npm",
                  "install",
                  "--prefix",
                  INSTALL_DIR.toString(),
                  "--no-audit",
                  "--no-fund",
                  "@stoplight/prism-cli@" + version))
          && Files.isExecutable(local)) {
        return local;
      }
    }
    throw new IllegalStateException(
        "Prism (node and npm are needed to install @stoplight/prism-cli into "
            + INSTALL_DIR
            + "; or set FERRY_PRISM)");
  }

  private static boolean run(List<String> command) {
    try {
      Files.createDirectories(INSTALL_DIR);
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(Path.of("target", "prism-install.log").toAbsolutePath().toFile())
              .start();
      if (!process.waitFor(10, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        return false;
      }
      return process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static boolean listening(Path log) {
    try {
      return Files.readString(log).contains("Prism is listening");
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free loopback port", e);
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Prism", e);
    }
  }
}
