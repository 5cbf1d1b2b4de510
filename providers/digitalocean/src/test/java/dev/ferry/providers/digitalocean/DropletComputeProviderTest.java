package dev.ferry.providers.digitalocean;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.api.ComputeHandle;
import dev.ferry.api.ComputeSpec;
import dev.ferry.api.ComputeState;
import dev.ferry.api.TeardownReceipt;
import dev.ferry.providers.ComputeProvider;
import dev.ferry.providers.ComputeProviderContract;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The provider contract for {@code do-droplet}: digitalocean-api-client over TLS to the scenario
 * server, which checks every request with Prism against DigitalOcean's specification.
 */
class DropletComputeProviderTest extends ComputeProviderContract {

  private static DoScenarioServer server;
  private static DropletComputeProvider provider;

  @BeforeAll
  static void startServer() {
    server = DoScenarioServer.start(PrismMock.url(), TestTls.serverContext());
    provider = DropletProviderFactory.create(env(server), TestTls.trustingClient());
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      assertThat(server.violations()).as("requests DigitalOcean's specification rejects").isEmpty();
      server.close();
    }
  }

  static Map<String, String> env(DoScenarioServer server) {
    Map<String, String> env = new java.util.HashMap<>(AppComputeProviderTest.env(server));
    env.put(DoSettings.REGION, "nyc3");
    return env;
  }

  @Override
  protected ComputeProvider provider() {
    return provider;
  }

  @Override
  protected ComputeSpec longRunningSpec() {
    return new AppComputeProviderTest().longRunningSpec();
  }

  @AfterEach
  void everyRequestFitsTheSpecification() {
    assertThat(server.violations()).as("requests DigitalOcean's specification rejects").isEmpty();
  }

  /** A droplet's output cannot be read through DigitalOcean's API; the receipt says so. */
  @Override
  protected boolean readsWorkerOutput() {
    return false;
  }

  @Test
  void theReceiptSaysWhyItHasNoOutput() throws InterruptedException {
    ComputeHandle handle = provision(request("receipt", "wf-1"));
    assertThat(awaitState(handle, ComputeState.Running.class))
        .isInstanceOf(ComputeState.Running.class);

    TeardownReceipt receipt = provider.deprovision(handle);

    assertThat(receipt.logTail())
        .containsExactly(
            "last droplet status: active",
            "(a droplet's output is not readable through DigitalOcean's API)");
  }
}
