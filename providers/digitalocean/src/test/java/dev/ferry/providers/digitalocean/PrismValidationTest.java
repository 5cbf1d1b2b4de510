package dev.ferry.providers.digitalocean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.providers.ProviderException;
import dev.ferry.providers.digitalocean.AppModels.AppSpec;
import dev.ferry.providers.digitalocean.AppModels.EnvVar;
import dev.ferry.providers.digitalocean.AppModels.WorkerSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The mock really checks requests against DigitalOcean's specification, and ours pass. */
class PrismValidationTest {

  private final AppsClient apps =
      new AppsClient(
          new DoHttp(
              PrismMock.url(), "dop_v1_test", DoHttp.defaultClient(), DoHttp.Retries.DEFAULT));

  @Test
  void acceptsTheAppFerryCreates() {
    assertThat(apps.create(spec("ferry-0a1b2c3d4e5f-a1")).id()).isNotBlank();
  }

  @Test
  void rejectsAnAppNameThatBreaksThePattern() {
    assertThatThrownBy(() -> apps.create(spec("Ferry_Bad_Name")))
        .isInstanceOf(ProviderException.InvalidSpec.class)
        .hasMessageContaining("422");
  }

  @Test
  void rejectsADropletWithoutSizeOrImage() throws Exception {
    var response =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(PrismMock.url().resolve("/v2/droplets"))
                    .header("Authorization", "Bearer dop_v1_test")
                    .header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"name\":\"x\"}"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(422);
    assertThat(response.headers().firstValue("sl-violations")).isPresent();
  }

  @Test
  void enforcesTheBearerToken() throws Exception {
    var response =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(PrismMock.url().resolve("/v2/apps"))
                    .header("Accept", "application/json")
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(401);
  }

  private static AppSpec spec(String name) {
    WorkerSpec worker =
        new WorkerSpec(
            "worker",
            ImageReference.parse("ghcr.io/acme/worker:1").toSource("u:t"),
            "apps-s-1vcpu-1gb",
            1,
            List.of(
                EnvVar.general("FERRY_TASK_QUEUE", "q"), EnvVar.secret("TEMPORAL_API_KEY", "k")));
    return new AppSpec(name, "nyc", List.of(worker));
  }
}
