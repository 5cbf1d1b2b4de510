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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The lifecycle and error paths of {@code do-app}, each request checked by Prism as well. */
class AppScenarioTest {

  private DoScenarioServer server;
  private AppComputeProvider provider;

  @BeforeEach
  void start() {
    server = DoScenarioServer.start(PrismMock.url());
    provider =
        (AppComputeProvider) new AppProviderFactory().create(AppComputeProviderTest.env(server));
  }

  @AfterEach
  void stop() {
    assertThat(server.violations()).as("requests DigitalOcean's specification rejects").isEmpty();
    server.close();
  }

  @Test
  void followsCreateDeployActiveDelete() {
    ComputeHandle handle = provider.provision(request("ferry-0a1b2c3d4e5f-a1"));

    assertThat(provider.describe(handle))
        .isEqualTo(new ComputeState.Pending("deployment DEPLOYING"));
    assertThat(provider.describe(handle)).isEqualTo(new ComputeState.Running());
    var receipt = provider.deprovision(handle);

    assertThat(receipt.found()).isTrue();
    assertThat(receipt.resourceId()).isEqualTo(handle.resourceId());
    assertThat(receipt.logTail())
        .containsExactly("last deployment phase: ACTIVE", "starting", "booted queue=q-scenario");
    assertThat(provider.describe(handle)).isInstanceOf(ComputeState.Gone.class);
    assertThat(server.appCount()).isZero();
  }

  @Test
  void reportsAFailedDeploymentAtOnceWithItsCause() {
    server.deployments(List.of("PENDING_DEPLOY", "ERROR"), "container exited with code 1");
    ComputeHandle handle = provider.provision(request("ferry-0a1b2c3d4e5f-a2"));

    ComputeState state = provider.describe(handle);

    assertThat(state).isInstanceOf(ComputeState.Failed.class);
    assertThat(((ComputeState.Failed) state).reason())
        .contains("failed")
        .contains("container exited with code 1")
        .contains("DeployContainerExitNonZero");
    assertThat(provider.deprovision(handle).logTail())
        .first()
        .isEqualTo("last deployment phase: ERROR");
  }

  @Test
  void adoptsTheAppAnEarlierProvisionMade() {
    ObjectNode spec = new ObjectMapper().createObjectNode().put("name", "ferry-0a1b2c3d4e5f-a3");
    var existing = server.seed(spec);
    server.clearRequests();

    ComputeHandle handle = provider.provision(request("ferry-0a1b2c3d4e5f-a3"));

    assertThat(handle.resourceId()).isEqualTo(existing.id);
    assertThat(server.appCount()).isEqualTo(1);
    assertThat(server.requestsMatching(r -> r.startsWith("POST"))).isZero();
  }

  @Test
  void adoptsTheAppAConcurrentProvisionMadeFirst() {
    ObjectNode spec = new ObjectMapper().createObjectNode().put("name", "ferry-0a1b2c3d4e5f-a9");
    // The app appears between the lookup and the create: the create is refused, the app adopted.
    server.script(
        "GET", "/v2/apps", 200, "{\"apps\":[],\"links\":{},\"meta\":{\"total\":0}}", Map.of());
    var existing = server.seed(spec);

    assertThat(provider.provision(request("ferry-0a1b2c3d4e5f-a9")).resourceId())
        .isEqualTo(existing.id);
    assertThat(server.appCount()).isEqualTo(1);
  }

  @Test
  void aRejectedTokenIsAnAuthError() {
    server.script(
        "GET",
        "/v2/apps",
        401,
        DoScenarioServer.error("unauthorized", "Unable to authenticate you."),
        Map.of());

    assertThatThrownBy(() -> provider.provision(request("ferry-0a1b2c3d4e5f-a4")))
        .isInstanceOf(ProviderException.Auth.class)
        .hasMessageContaining("unauthorized: Unable to authenticate you.");
    assertThat(server.appCount()).isZero();
  }

  @Test
  void deletingAnAppThatIsAlreadyGoneIsSuccess() {
    ComputeHandle handle = provider.provision(request("ferry-0a1b2c3d4e5f-a5"));
    // Someone else deletes it between Ferry's lookup and its DELETE.
    server.script(
        "DELETE",
        "/v2/apps/",
        404,
        DoScenarioServer.error("not_found", "The resource you were accessing could not be found."),
        Map.of(),
        () -> server.remove(handle.name()));

    var receipt = provider.deprovision(handle);

    assertThat(receipt.found()).isTrue();
    assertThat(provider.deprovision(handle).found()).isFalse();
  }

  @Test
  void anInvalidSpecIsNotRetriedAndCarriesDigitalOceansMessage() {
    server.script(
        "POST",
        "/v2/apps",
        422,
        DoScenarioServer.error("unprocessable_entity", "instance size is not available in region"),
        Map.of());

    assertThatThrownBy(() -> provider.provision(request("ferry-0a1b2c3d4e5f-a6")))
        .isInstanceOf(ProviderException.InvalidSpec.class)
        .hasMessageContaining("422")
        .hasMessageContaining("unprocessable_entity: instance size is not available in region");
    assertThat(server.requestsMatching(r -> r.startsWith("POST"))).isEqualTo(1);
  }

  @Test
  void waitsOutARateLimitAsDigitalOceanAsks() {
    server.script(
        "POST",
        "/v2/apps",
        429,
        DoScenarioServer.error("too_many_requests", "API rate limit exceeded."),
        Map.of("Retry-After", "1"));
    Instant before = Instant.now();

    ComputeHandle handle = provider.provision(request("ferry-0a1b2c3d4e5f-a7"));

    assertThat(Duration.between(before, Instant.now()))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    assertThat(server.requestsMatching(r -> r.startsWith("POST"))).isEqualTo(2);
    assertThat(handle.resourceId()).isNotNull();
  }

  @Test
  void aLongRateLimitIsLeftToTheActivitysRetry() {
    long reset = Instant.now().plusSeconds(600).getEpochSecond();
    server.script(
        "GET",
        "/v2/apps",
        429,
        DoScenarioServer.error("too_many_requests", "API rate limit exceeded."),
        Map.of("ratelimit-reset", String.valueOf(reset)));

    assertThatThrownBy(() -> provider.provision(request("ferry-0a1b2c3d4e5f-a8")))
        .isInstanceOfSatisfying(
            ProviderException.RateLimited.class,
            e ->
                assertThat(e.retryAfter())
                    .isBetween(Duration.ofSeconds(590), Duration.ofSeconds(600)));
  }

  @Test
  void retriesAServerErrorThenSucceeds() {
    server.script(
        "GET",
        "/v2/apps",
        503,
        DoScenarioServer.error("server_error", "Unexpected server-side error"),
        Map.of());
    server.script(
        "GET",
        "/v2/apps",
        500,
        DoScenarioServer.error("server_error", "Unexpected server-side error"),
        Map.of());

    ComputeHandle handle = provider.provision(request("ferry-0a1b2c3d4e5f-b1"));

    assertThat(server.app(handle.name())).isPresent();
  }

  @Test
  void aServerThatKeepsFailingIsUnavailable() {
    for (int i = 0; i < 4; i++) {
      server.script(
          "GET",
          "/v2/apps",
          500,
          DoScenarioServer.error("server_error", "Unexpected server-side error"),
          Map.of());
    }

    assertThatThrownBy(() -> provider.provision(request("ferry-0a1b2c3d4e5f-b2")))
        .isInstanceOf(ProviderException.Unavailable.class)
        .hasMessageContaining("server_error");
  }

  @Test
  void listsOnlyAppsOfFerrysPrefixAndLabels() {
    server.seed(new ObjectMapper().createObjectNode().put("name", "someone-elses-app"));
    ComputeHandle mine = provider.provision(request("ferry-0a1b2c3d4e5f-b3"));

    assertThat(provider.list(LabelSelector.managed()))
        .extracting(ComputeHandle::name)
        .containsExactly(mine.name());
    assertThat(provider.list(LabelSelector.managed().and(Labels.WORKFLOW_ID, "other"))).isEmpty();
  }

  @Test
  void recordsEveryRequestTheSpecificationRejects() {
    AppsClient direct =
        new AppsClient(
            new DoHttp(
                server.url(), "dop_v1_test", DoHttp.defaultClient(), DoHttp.Retries.DEFAULT));
    var spec = provider.spec(request("ferry-0a1b2c3d4e5f-b4"), "Not_A_Valid_Name");

    direct.create(spec);

    assertThat(server.violations())
        .singleElement()
        .asString()
        .contains("POST /v2/apps")
        .contains("spec.name");
    server.clearViolations();
  }

  private static ProvisionRequest request(String name) {
    ComputeSpec spec =
        new ComputeSpec(
            AppComputeProvider.ID,
            AppComputeProviderTest.IMAGE,
            0,
            0,
            null,
            Map.of("FERRY_TASK_QUEUE", "q-scenario", "TEMPORAL_API_KEY", "k"));
    return new ProvisionRequest(
        name,
        "q-scenario",
        spec,
        Map.of(Labels.MANAGED, "true", Labels.WORKFLOW_ID, "wf-scenario"),
        Instant.now().plusSeconds(600));
  }
}
