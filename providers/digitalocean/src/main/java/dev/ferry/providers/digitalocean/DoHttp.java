package dev.ferry.providers.digitalocean;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.ferry.providers.ProviderException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends JSON requests to DigitalOcean's API with the bearer token, honouring 429 ({@code
 * Retry-After} or {@code ratelimit-reset}) and retrying 5xx and connection failures a bounded
 * number of times; everything else becomes a {@link ProviderException}.
 *
 * <p>Thread-safe: {@link HttpClient} is, and nothing else here changes.
 */
final class DoHttp {

  /** How many times a request is sent at most, and the longest wait Ferry sits out itself. */
  record Retries(int attempts, Duration firstBackoff, Duration longestWait) {
    static final Retries DEFAULT = new Retries(4, Duration.ofMillis(500), Duration.ofSeconds(30));
  }

  static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .setSerializationInclusion(JsonInclude.Include.NON_NULL)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE);

  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
  private static final Logger log = LoggerFactory.getLogger(DoHttp.class);

  private final URI base;
  private final String token;
  private final HttpClient client;
  private final Retries retries;
  private final Clock clock;

  DoHttp(URI base, String token, HttpClient client, Retries retries) {
    this.base = base;
    this.token = token;
    this.client = client;
    this.retries = retries;
    this.clock = Clock.systemUTC();
  }

  static HttpClient defaultClient() {
    return HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(10))
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  /** The response body as {@code type}. */
  <T> T send(String action, String method, String path, Object body, Class<T> type) {
    return read(action, call(action, method, path, body).body(), type);
  }

  /** The response body as {@code type}, or empty on 404. */
  <T> Optional<T> sendOrEmpty(String action, String method, String path, Class<T> type) {
    try {
      return Optional.of(send(action, method, path, null, type));
    } catch (ProviderException.NotFound e) {
      return Optional.empty();
    }
  }

  /**
   * The last {@code lines} lines of the text at a URL DigitalOcean handed out (a log file),
   * streamed, so a large archive is never held whole; no token is sent there.
   */
  List<String> fetchTail(String action, URI url, int lines) {
    HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(20)).GET().build();
    try {
      HttpResponse<Stream<String>> response =
          client.send(request, HttpResponse.BodyHandlers.ofLines());
      try (Stream<String> body = response.body()) {
        if (response.statusCode() / 100 != 2) {
          throw new ProviderException.Unavailable(
              "digitalocean: " + action + ": HTTP " + response.statusCode(), null);
        }
        ArrayDeque<String> tail = new ArrayDeque<>(lines);
        body.forEach(
            line -> {
              if (tail.size() == lines) {
                tail.removeFirst();
              }
              tail.addLast(line.stripTrailing());
            });
        return List.copyOf(tail);
      }
    } catch (IOException | UncheckedIOException e) {
      throw new ProviderException.Unavailable("digitalocean: " + action + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderException.Unavailable("interrupted: " + action, e);
    }
  }

  private HttpResponse<String> call(String action, String method, String path, Object body) {
    HttpRequest request = request(method, path, body);
    ProviderException last = null;
    for (int attempt = 1; attempt <= retries.attempts(); attempt++) {
      HttpResponse<String> response;
      try {
        response = client.send(request, HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        last =
            new ProviderException.Unavailable(
                "digitalocean: " + action + ": cannot reach " + base + ": " + e, e);
        pause(backoff(attempt), action);
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ProviderException.Unavailable("interrupted: " + action, e);
      }
      int status = response.statusCode();
      if (status / 100 == 2) {
        return response;
      }
      Duration retryAfter = status == 429 ? retryAfter(response) : null;
      ProviderException error =
          DoErrors.translate(action, status, response.body(), retryAfter, JSON);
      boolean retryable = status == 429 || status >= 500;
      if (!retryable || attempt == retries.attempts()) {
        throw error;
      }
      Duration wait = status == 429 ? retryAfter : backoff(attempt);
      if (wait.compareTo(retries.longestWait()) > 0) {
        // A long wait is the activity's to sit out (its retry honours RateLimited), not a thread's.
        throw error;
      }
      log.info("{}: HTTP {}, retrying in {}", action, status, wait);
      last = error;
      pause(wait, action);
    }
    throw last;
  }

  private HttpRequest request(String method, String path, Object body) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/+$", "") + path))
            .timeout(REQUEST_TIMEOUT)
            .header("Authorization", "Bearer " + token)
            .header("Accept", "application/json");
    if (body == null) {
      return builder.method(method, HttpRequest.BodyPublishers.noBody()).build();
    }
    try {
      return builder
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
          .build();
    } catch (IOException e) {
      throw new IllegalStateException("cannot write " + body.getClass().getSimpleName(), e);
    }
  }

  /** {@code Retry-After} in seconds, else {@code ratelimit-reset} (epoch seconds), else 1 s. */
  private Duration retryAfter(HttpResponse<String> response) {
    Optional<Long> seconds =
        response.headers().firstValue("Retry-After").flatMap(DoHttp::parseLong);
    if (seconds.isPresent()) {
      return Duration.ofSeconds(Math.max(0, seconds.get()));
    }
    Optional<Long> reset =
        response.headers().firstValue("ratelimit-reset").flatMap(DoHttp::parseLong);
    if (reset.isPresent()) {
      Duration until = Duration.between(clock.instant(), Instant.ofEpochSecond(reset.get()));
      return until.isNegative() ? Duration.ZERO : until;
    }
    return Duration.ofSeconds(1);
  }

  private Duration backoff(int attempt) {
    return retries.firstBackoff().multipliedBy(1L << (attempt - 1));
  }

  private static Optional<Long> parseLong(String value) {
    try {
      return Optional.of(Long.parseLong(value.strip()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static <T> T read(String action, String body, Class<T> type) {
    try {
      return JSON.readValue(body, type);
    } catch (IOException e) {
      throw new ProviderException.Unavailable(
          "digitalocean: " + action + ": unreadable response: " + e.getMessage(), e);
    }
  }

  private static void pause(Duration wait, String action) {
    try {
      Thread.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderException.Unavailable("interrupted: " + action, e);
    }
  }
}
