package dev.ferry.providers.digitalocean;

import dev.ferry.providers.ComputeProvider;
import java.util.List;
import java.util.Map;

/**
 * The App Platform API's stateful scenario server, every request checked by Prism against
 * DigitalOcean's specification, as other modules' tests use it: a real {@code do-app} provider
 * pointed at it, 5xx answers scripted for the next requests, and what it holds afterwards.
 */
public final class AppEmulator implements AutoCloseable {

  /** The worker image the provider is configured with. */
  public static final String IMAGE = AppComputeProviderTest.IMAGE;

  private final DoScenarioServer server;

  private AppEmulator(DoScenarioServer server) {
    this.server = server;
  }

  /** Starts one; skipped (or failed, when infrastructure is required) without Prism. */
  public static AppEmulator start() {
    return new AppEmulator(DoScenarioServer.start(PrismMock.url()));
  }

  /** A {@code do-app} provider that talks to this emulator. */
  public ComputeProvider provider() {
    return new AppProviderFactory().create(AppComputeProviderTest.env(server));
  }

  /** The next {@code times} requests of this method under this path get a 500. */
  public AppEmulator failNext(String method, String pathPrefix, int times) {
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

  /** Apps the emulator holds now. */
  public int apps() {
    return server.appCount();
  }

  /** Requests so far whose method and path start with {@code prefix}, e.g. "POST /v2/apps". */
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
