package dev.ferry.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A GitHub-like HTTP server that takes commit statuses as GitHub's REST API does ({@code POST
 * /repos/{owner}/{name}/statuses/{sha}} with a bearer token, 201) and records them; anything else,
 * or a request without the token, gets GitHub's 404 or 401.
 */
final class FakeGitHub implements AutoCloseable {

  /** One status as received. */
  record Received(String repo, String sha, String state, String description, String targetUrl) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final List<Received> statuses = new CopyOnWriteArrayList<>();

  FakeGitHub(String token) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String[] parts = path.split("/");
            if (!"POST".equals(exchange.getRequestMethod())
                || parts.length != 6
                || !parts[1].equals("repos")
                || !parts[4].equals("statuses")) {
              exchange.sendResponseHeaders(404, -1);
              return;
            }
            if (!("Bearer " + token)
                .equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
              exchange.sendResponseHeaders(401, -1);
              return;
            }
            JsonNode body = JSON.readTree(exchange.getRequestBody());
            statuses.add(
                new Received(
                    parts[2] + "/" + parts[3],
                    parts[5],
                    body.path("state").asText(),
                    body.path("description").asText(),
                    body.path("target_url").asText()));
            byte[] answer = "{\"id\":1}".getBytes();
            exchange.sendResponseHeaders(201, answer.length);
            exchange.getResponseBody().write(answer);
          }
        });
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  List<Received> statuses() {
    return List.copyOf(statuses);
  }

  /** Waits until a received status matches, or the deadline passes; returns whether one did. */
  boolean await(Predicate<Received> condition, long seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      if (statuses.stream().anyMatch(condition)) {
        return true;
      }
      Thread.sleep(20);
    }
    return statuses.stream().anyMatch(condition);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
