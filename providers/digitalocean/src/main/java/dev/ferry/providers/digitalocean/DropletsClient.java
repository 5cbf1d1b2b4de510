package dev.ferry.providers.digitalocean;

import com.myjeeva.digitalocean.exception.DigitalOceanException;
import com.myjeeva.digitalocean.exception.RequestUnsuccessfulException;
import com.myjeeva.digitalocean.impl.DigitalOceanClient;
import com.myjeeva.digitalocean.pojo.Droplet;
import com.myjeeva.digitalocean.pojo.Droplets;
import dev.ferry.providers.ProviderException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.http.impl.client.CloseableHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The droplet calls Ferry makes, through {@code digitalocean-api-client}, with its exceptions
 * translated into {@link ProviderException}s and 429 and 5xx retried a bounded number of times. The
 * library always speaks HTTPS to its host; only the host (and port) is taken from the API URL.
 * Thread-safe, as the library's client is.
 */
final class DropletsClient {

  static final int PAGE_SIZE = 200;
  private static final int ATTEMPTS = 4;
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
  private static final Logger log = LoggerFactory.getLogger(DropletsClient.class);

  @FunctionalInterface
  private interface Call<T> {
    T run() throws DigitalOceanException, RequestUnsuccessfulException;
  }

  /** The library's client, pointed at {@code apiUrl}'s host and port. */
  private static final class Api extends DigitalOceanClient {
    Api(URI apiUrl, String token, CloseableHttpClient http) {
      super("v2", token, http);
      this.apiHost =
          apiUrl.getPort() < 0 ? apiUrl.getHost() : apiUrl.getHost() + ":" + apiUrl.getPort();
    }
  }

  private final DigitalOceanClient api;

  DropletsClient(URI apiUrl, String token, CloseableHttpClient http) {
    this.api = new Api(apiUrl, token, http);
  }

  Droplet create(Droplet droplet) {
    return call("creating droplet " + droplet.getName(), () -> api.createDroplet(droplet));
  }

  Optional<Droplet> get(int id) {
    try {
      return Optional.of(call("reading droplet " + id, () -> api.getDropletInfo(id)));
    } catch (ProviderException.NotFound e) {
      return Optional.empty();
    }
  }

  /** Every droplet carrying {@code tag}, page by page. */
  List<Droplet> listByTag(String tag) {
    List<Droplet> all = new ArrayList<>();
    for (int page = 1; page <= 100; page++) {
      int p = page;
      Droplets droplets =
          call(
              "listing droplets tagged " + tag,
              () -> api.getAvailableDropletsByTagName(tag, p, PAGE_SIZE));
      List<Droplet> found = droplets.getDroplets() == null ? List.of() : droplets.getDroplets();
      all.addAll(found);
      if (found.size() < PAGE_SIZE) {
        break;
      }
    }
    return all;
  }

  /** Deletes the droplet; false when there was none. */
  boolean delete(int id) {
    try {
      call("deleting droplet " + id, () -> api.deleteDroplet(id));
      return true;
    } catch (ProviderException.NotFound e) {
      return false;
    }
  }

  private static <T> T call(String action, Call<T> call) {
    ProviderException last = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        return call.run();
      } catch (DigitalOceanException e) {
        int status = e.getHttpStatusCode();
        last = DoErrors.translate(action, status, e.getId() + ": " + e.getMessage(), null);
        if (status != 429 && status < 500) {
          throw last;
        }
      } catch (RequestUnsuccessfulException e) {
        last =
            new ProviderException.Unavailable("digitalocean: " + action + ": " + e.getMessage(), e);
      }
      if (attempt < ATTEMPTS) {
        // The library hides 429's Retry-After: back off exponentially instead.
        Duration wait = FIRST_BACKOFF.multipliedBy(1L << (attempt - 1));
        log.info("{}: {}; retrying in {}", action, last.getMessage(), wait);
        try {
          Thread.sleep(wait);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new ProviderException.Unavailable("interrupted: " + action, e);
        }
      }
    }
    throw last;
  }
}
