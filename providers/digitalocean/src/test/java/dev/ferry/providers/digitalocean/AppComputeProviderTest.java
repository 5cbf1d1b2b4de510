package dev.ferry.providers.digitalocean;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.ComputeHandle;
import dev.ferry.api.ComputeSpec;
import dev.ferry.api.TeardownReceipt;
import dev.ferry.providers.ComputeProvider;
import dev.ferry.providers.ComputeProviderContract;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The provider contract for {@code do-app}, against the stateful scenario server, with every
 * request also checked by Prism against DigitalOcean's OpenAPI specification.
 */
class AppComputeProviderTest extends ComputeProviderContract {

  static final String IMAGE = "registry.digitalocean.com/ferry/external-worker:test";
  static final String API_KEY = "s3cret-temporal-key";
  private static DoScenarioServer server;
  private static ComputeProvider provider;

  @BeforeAll
  static void startServer() {
    server = DoScenarioServer.start(PrismMock.url());
    provider = new AppProviderFactory().create(env(server));
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      assertThat(server.violations()).as("requests DigitalOcean's specification rejects").isEmpty();
      server.close();
    }
  }

  /** What the tests configure the providers with: the server, a public Temporal address. */
  static Map<String, String> env(DoScenarioServer server) {
    Map<String, String> env = new HashMap<>();
    env.put(DoSettings.TOKEN, "dop_v1_test");
    env.put(DoSettings.API_URL, server.url().toString());
    env.put(DoSettings.REGION, "nyc");
    env.put("FERRY_IMAGE", IMAGE);
    env.put(DoSettings.EXTERNAL_TEMPORAL_ADDRESS, "ferry.a1b2c.tmprl.cloud:7233");
    return env;
  }

  @Override
  protected ComputeProvider provider() {
    return provider;
  }

  @Override
  protected ComputeSpec longRunningSpec() {
    return new ComputeSpec(
        null,
        IMAGE,
        0,
        0,
        null,
        Map.of(
            "FERRY_TASK_QUEUE", "q-test",
            "TEMPORAL_ADDRESS", "ferry.a1b2c.tmprl.cloud:7233",
            "TEMPORAL_API_KEY", API_KEY));
  }

  @AfterEach
  void everyRequestFitsTheSpecification() {
    assertThat(server.violations()).as("requests DigitalOcean's specification rejects").isEmpty();
  }

  @Test
  void sendsSecretsAsSecretVariablesAndTheRestInTheClear() {
    ComputeHandle handle = provision(request("env", "wf-env"));
    DoScenarioServer.StoredApp app = server.app(handle.name()).orElseThrow();

    assertThat(app.env("TEMPORAL_API_KEY").map(e -> e.path("type").asText())).contains("SECRET");
    assertThat(app.env("FERRY_TASK_QUEUE").map(e -> e.path("type").asText())).contains("GENERAL");
    assertThat(app.env("TEMPORAL_ADDRESS").map(e -> e.path("type").asText())).contains("GENERAL");
    JsonNode worker = app.spec.path("workers").path(0);
    assertThat(worker.path("name").asText()).isEqualTo("worker");
    assertThat(worker.path("instance_size_slug").asText()).isEqualTo("apps-s-1vcpu-1gb");
    assertThat(worker.path("image").path("registry_type").asText()).isEqualTo("DOCR");
    assertThat(worker.path("image").path("repository").asText()).isEqualTo("external-worker");
    assertThat(worker.path("image").has("registry")).isFalse();
    assertThat(app.spec.path("region").asText()).isEqualTo("nyc");
  }

  /**
   * Every credential the orchestrator hands a worker (or a callback-mode image) reaches the
   * platform as a SECRET variable, as the app spec the emulator received says.
   */
  @Test
  void everyCredentialAWorkerGetsIsASecretVariableInTheSpecTheApiReceived() {
    Map<String, String> credentials =
        Map.of(
            "TEMPORAL_API_KEY", API_KEY,
            "TEMPORAL_TLS_CLIENT_CERT_DATA", "-----BEGIN CERTIFICATE-----",
            "TEMPORAL_TLS_CLIENT_KEY_DATA", "-----BEGIN PRIVATE KEY-----",
            "TEMPORAL_GRPC_META_AUTHORIZATION", "Bearer abc",
            "FERRY_GIT_TOKEN", "ghp_abc",
            "FERRY_CALLBACK_URL", "https://ferry.example/callbacks/signed-token");
    Map<String, String> env = new HashMap<>(longRunningSpec().env());
    env.putAll(credentials);
    ComputeHandle handle =
        provision(
            request("creds", "wf-creds")
                .withSpec(longRunningSpec().withEnv(env).withProvider("do-app")));
    DoScenarioServer.StoredApp app = server.app(handle.name()).orElseThrow();

    credentials.forEach(
        (name, value) -> {
          assertThat(app.env(name).map(e -> e.path("type").asText())).as(name).contains("SECRET");
          assertThat(app.env(name).map(e -> e.path("value").asText())).as(name).contains(value);
        });
    assertThat(app.env("FERRY_TASK_QUEUE").map(e -> e.path("type").asText())).contains("GENERAL");
  }

  @Test
  void nothingItReturnsHoldsTheSpecOrASecret() throws InterruptedException {
    ComputeHandle handle = provision(request("leak", "wf-leak"));
    awaitState(handle, dev.ferry.api.ComputeState.Running.class);
    String described = provider.describe(handle).toString();
    TeardownReceipt receipt = provider.deprovision(handle);

    assertThat(handle.toString() + described + receipt)
        .doesNotContain(API_KEY)
        .doesNotContain("EV[")
        .doesNotContain("registry_type");
    assertThat(receipt.logTail()).first().isEqualTo("last deployment phase: ACTIVE");
  }
}
