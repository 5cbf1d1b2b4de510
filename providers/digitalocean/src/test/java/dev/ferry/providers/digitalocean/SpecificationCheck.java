package dev.ferry.providers.digitalocean;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Replays one request to Prism, which serves DigitalOcean's OpenAPI specification, and says what
 * the specification does not allow in it: Prism answers such a request with 422 (or 400, or 401
 * without a token) and an {@code sl-violations} header naming each problem.
 */
final class SpecificationCheck {

  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  private SpecificationCheck() {}

  /** The violation, described; empty when Prism accepts the request. */
  static Optional<String> check(
      URI prism, HttpExchange exchange, String method, URI uri, byte[] body) {
    String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(prism + uri.getRawPath() + query))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body.length == 0
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    for (String header : List.of("Authorization", "Accept", "Content-Type")) {
      String value = exchange.getRequestHeaders().getFirst(header);
      if (value != null) {
        request.header(header, value);
      }
    }
    try {
      HttpResponse<String> response =
          CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
      Optional<String> found = response.headers().firstValue("sl-violations");
      int status = response.statusCode();
      if (found.isPresent() || status == 400 || status == 401 || status == 422) {
        return Optional.of(
            method + " " + uri + " → " + status + " " + found.orElse(response.body()));
      }
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of(method + " " + uri + ": Prism unreachable: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of(method + " " + uri + ": interrupted while asking Prism");
    }
  }
}
