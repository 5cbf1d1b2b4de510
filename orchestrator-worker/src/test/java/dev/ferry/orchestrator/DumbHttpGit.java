package dev.ferry.orchestrator;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A repository served over git's "dumb" HTTP protocol (static files of a bare clone after {@code
 * git update-server-info}) on loopback, for compute that cannot see the test's files, such as a
 * container on the host network.
 */
final class DumbHttpGit implements AutoCloseable {

  private final HttpServer server;
  private final Path bare;

  DumbHttpGit(Path repo, Path work) throws IOException, InterruptedException {
    bare = work.resolve("served.git");
    git(List.of("git", "clone", "-q", "--bare", repo.toString(), bare.toString()));
    git(List.of("git", "-C", bare.toString(), "update-server-info"));
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/repo.git/",
        exchange -> {
          try (exchange) {
            Path file =
                bare.resolve(exchange.getRequestURI().getPath().substring("/repo.git/".length()))
                    .normalize();
            if (!file.startsWith(bare) || !Files.isRegularFile(file)) {
              exchange.sendResponseHeaders(404, -1);
              return;
            }
            byte[] body = Files.readAllBytes(file);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
          }
        });
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/repo.git/";
  }

  private static void git(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(1, TimeUnit.MINUTES) || process.exitValue() != 0) {
      throw new IOException(command + " failed: " + output);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
