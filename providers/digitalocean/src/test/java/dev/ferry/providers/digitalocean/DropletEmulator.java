package dev.ferry.providers.digitalocean;

import dev.ferry.providers.ComputeProvider;
import java.util.List;
import java.util.Map;

/**
 * The droplet API's stateful scenario server, every request checked by Prism against DigitalOcean's
 * specification, as other modules' tests use it: a real {@code do-droplet} provider pointed at it,
 * 5xx answers scripted for the next requests, and what it holds afterwards.
 */
public final class DropletEmulator implements AutoCloseable {

  /** The worker image the provider is configured with. */
  public static final String IMAGE = AppComputeProviderTest.IMAGE;

  private final DoScenarioServer server;

  private DropletEmulator(DoScenarioServer server) {
    this.server = server;
  }

  /** Starts one; skipped (or failed, when infrastructure is required) without Prism. */
  public static DropletEmulator start() {
    return new DropletEmulator(DoScenarioServer.start(PrismMock.url(), TestTls.serverContext()));
  }

  /** A {@code do-droplet} provider that talks to this emulator over TLS. */
  public ComputeProvider provider() {
    return DropletProviderFactory.create(
        DropletComputeProviderTest.env(server), TestTls.trustingClient());
  }

  /** The next {@code times} requests of this method under this path get a 500. */
  public DropletEmulator failNext(String method, String pathPrefix, int times) {
    for (int i = 0; i < times; i++) {
      server.script(
          method,
          pathPrefix,
          500,
          DoScenarioServer.error("server_error", "injected: unexpected server-side error"),
          Map.of());
    }
    return this;
  }

  /** Droplets the emulator holds now. */
  public int droplets() {
    return server.droplets.count();
  }

  /** Requests so far whose method and path start with {@code prefix}, e.g. "POST /v2/droplets". */
  public long requests(String prefix) {
    return server.requestsMatching(r -> r.startsWith(prefix));
  }

  /** Requests DigitalOcean's specification would not accept. */
  public List<String> violations() {
    return server.violations();
  }

  @Override
  public void close() {
    server.close();
  }
}
