package dev.ferry.providers.digitalocean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.api.ComputeHandle;
import dev.ferry.api.ComputeSpec;
import dev.ferry.api.ComputeState;
import dev.ferry.api.Labels;
import dev.ferry.api.ProvisionRequest;
import dev.ferry.providers.LabelSelector;
import dev.ferry.providers.ProviderException;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The lifecycle and error paths of {@code do-droplet} over TLS, each request checked by Prism. */
class DropletScenarioTest {

  static final Instant LEASE = Instant.parse("2030-01-02T03:04:05Z");
  private DoScenarioServer server;
  private DropletComputeProvider provider;

  @BeforeEach
  void start() {
    server = DoScenarioServer.start(PrismMock.url(), TestTls.serverContext());
    provider =
        DropletProviderFactory.create(
            DropletComputeProviderTest.env(server), TestTls.trustingClient());
  }

  @AfterEach
  void stop() {
    assertThat(server.violations()).as("requests DigitalOcean's specification rejects").isEmpty();
    server.close();
  }

  @Test
  void makesADropletThatRunsTheWorkerAndPowersOffAtItsLease() {
    ComputeHandle handle = provider.provision(request("ferry-0a1b2c3d4e5f-a1"));

    var droplet = server.droplets.named(handle.name()).orElseThrow();
    assertThat(handle.resourceId()).isEqualTo(String.valueOf(droplet.id));
    assertThat(droplet.request.path("region").asText()).isEqualTo("nyc3");
    assertThat(droplet.request.path("size").asText()).isEqualTo("s-1vcpu-2gb");
    assertThat(droplet.request.path("image").asText()).isEqualTo("docker-20-04");
    assertThat(droplet.tags()).contains("ferry_2emanaged:true", "ferry_2eworkflow-id:wf-drop_2f1");
    String userData = droplet.request.path("user_data").asText();
    assertThat(userData)
        .contains("systemd-run --on-calendar='2030-01-02 03:04:05 UTC' /sbin/poweroff")
        .contains("export TEMPORAL_API_KEY='k'")
        .contains("-e FERRY_TASK_QUEUE")
        .contains("'" + AppComputeProviderTest.IMAGE + "'");
  }

  @Test
  void followsNewActiveDeleted() {
    ComputeHandle handle = provider.provision(request("ferry-0a1b2c3d4e5f-a2"));

    assertThat(provider.describe(handle)).isEqualTo(new ComputeState.Running());
    assertThat(provider.deprovision(handle).found()).isTrue();
    assertThat(provider.describe(handle)).isInstanceOf(ComputeState.Gone.class);
    assertThat(provider.deprovision(handle).found()).isFalse();
  }

  @Test
  void adoptsTheDropletOfTheSameName() {
    var existing = server.droplets.seed(seed("ferry-0a1b2c3d4e5f-a3"));

    assertThat(provider.provision(request("ferry-0a1b2c3d4e5f-a3")).resourceId())
        .isEqualTo(String.valueOf(existing.id));
    assertThat(server.droplets.count()).isEqualTo(1);
  }

  @Test
  void keepsTheOldestWhenARacingProvisionMadeOneToo() {
    // The racing provision's droplet appears between this one's lookup and its create.
    server.beforeNext(
        "POST", "/v2/droplets", () -> server.droplets.seed(seed("ferry-0a1b2c3d4e5f-a4")));

    ComputeHandle handle = provider.provision(request("ferry-0a1b2c3d4e5f-a4"));

    var kept = server.droplets.named("ferry-0a1b2c3d4e5f-a4").orElseThrow();
    assertThat(server.droplets.count()).isEqualTo(1);
    assertThat(handle.resourceId()).isEqualTo(String.valueOf(kept.id));
    assertThat(kept.request.has("user_data")).isFalse();
  }

  @Test
  void deletingADropletThatIsAlreadyGoneIsSuccess() {
    ComputeHandle handle = provider.provision(request("ferry-0a1b2c3d4e5f-a5"));
    int id = Integer.parseInt(handle.resourceId());
    server.script(
        "DELETE",
        "/v2/droplets/",
        404,
        DoScenarioServer.error("not_found", "The resource you requested could not be found."),
        Map.of(),
        () -> server.droplets.remove(id));

    assertThat(provider.deprovision(handle).found()).isTrue();
    assertThat(server.droplets.count()).isZero();
  }

  @Test
  void aRejectedTokenIsAnAuthError() {
    server.script(
        "GET",
        "/v2/droplets",
        401,
        DoScenarioServer.error("unauthorized", "Unable to authenticate you."),
        Map.of());

    assertThatThrownBy(() -> provider.provision(request("ferry-0a1b2c3d4e5f-a6")))
        .isInstanceOf(ProviderException.Auth.class)
        .hasMessageContaining("unauthorized: Unable to authenticate you.");
  }

  @Test
  void anInvalidSpecIsNotRetriedAndCarriesDigitalOceansMessage() {
    server.script(
        "POST",
        "/v2/droplets",
        422,
        DoScenarioServer.error("unprocessable_entity", "Size is not available in this region."),
        Map.of());

    assertThatThrownBy(() -> provider.provision(request("ferry-0a1b2c3d4e5f-a7")))
        .isInstanceOf(ProviderException.InvalidSpec.class)
        .hasMessageContaining("Size is not available in this region.");
    assertThat(server.requestsMatching(r -> r.startsWith("POST"))).isEqualTo(1);
    assertThat(server.droplets.count()).isZero();
  }

  @Test
  void retriesRateLimitsAndServerErrorsThenSucceeds() {
    server.script(
        "POST",
        "/v2/droplets",
        429,
        DoScenarioServer.error("too_many_requests", "API Rate limit exceeded."),
        Map.of("Retry-After", "1"));
    server.script(
        "POST",
        "/v2/droplets",
        500,
        DoScenarioServer.error("server_error", "Unexpected server-side error"),
        Map.of());

    ComputeHandle handle = provider.provision(request("ferry-0a1b2c3d4e5f-a8"));

    assertThat(server.requestsMatching(r -> r.startsWith("POST"))).isEqualTo(3);
    assertThat(server.droplets.named(handle.name())).isPresent();
  }

  @Test
  void listsByTagAndLabel() {
    ComputeHandle mine = provider.provision(request("ferry-0a1b2c3d4e5f-b1"));
    server.droplets.seed(seed("someone-elses"));

    assertThat(provider.list(LabelSelector.managed()))
        .extracting(ComputeHandle::name)
        .containsExactly(mine.name());
    assertThat(provider.list(LabelSelector.managed().and(Labels.WORKFLOW_ID, "wf-drop/1")))
        .extracting(ComputeHandle::name)
        .containsExactly(mine.name());
    assertThat(provider.list(LabelSelector.managed().and(Labels.WORKFLOW_ID, "other"))).isEmpty();
  }

  private static ObjectNode seed(String name) {
    ObjectNode node = new ObjectMapper().createObjectNode().put("name", name);
    node.put("region", "nyc3").put("size", "s-1vcpu-2gb").put("image", "docker-20-04");
    node.putArray("tags").add(DropletComputeProvider.MANAGED_TAG);
    if (name.startsWith("someone")) {
      ((com.fasterxml.jackson.databind.node.ArrayNode) node.get("tags")).removeAll();
    }
    return node;
  }

  private static ProvisionRequest request(String name) {
    ComputeSpec spec =
        new ComputeSpec(
            DropletComputeProvider.ID,
            AppComputeProviderTest.IMAGE,
            0,
            0,
            null,
            Map.of("FERRY_TASK_QUEUE", "q-drop", "TEMPORAL_API_KEY", "k"));
    return new ProvisionRequest(
        name,
        "q-drop",
        spec,
        Map.of(Labels.MANAGED, "true", Labels.WORKFLOW_ID, "wf-drop/1", Labels.ATTEMPT, "1"),
        LEASE);
  }
}
