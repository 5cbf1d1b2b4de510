package dev.ferry.providers.digitalocean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.providers.ProviderRegistry;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Start-up checks of {@code do-app}: nothing is contacted, every error names its variable. */
class AppProviderFactoryTest {

  @Test
  void isFoundByTheRegistry() {
    assertThat(ProviderRegistry.load(Map.of()).ids()).contains("do-app", "local");
  }

  @Test
  void startsFromACompleteEnvironment() {
    assertThat(new AppProviderFactory().create(env()).id()).isEqualTo("do-app");
  }

  @Test
  void namesAMissingTokenRegionOrImage() {
    assertThatThrownBy(() -> create(without(DoSettings.TOKEN)))
        .hasMessageContaining("DIGITALOCEAN_ACCESS_TOKEN");
    assertThatThrownBy(() -> create(with(DoSettings.TOKEN, " ")))
        .hasMessageContaining("DIGITALOCEAN_ACCESS_TOKEN");
    assertThatThrownBy(() -> create(without(DoSettings.REGION)))
        .hasMessageContaining("FERRY_DO_REGION");
    assertThatThrownBy(() -> create(without("FERRY_IMAGE"))).hasMessageContaining("FERRY_IMAGE");
  }

  @Test
  void namesARegionOrSizeDigitalOceanDoesNotList() {
    assertThatThrownBy(() -> create(with(DoSettings.REGION, "mars")))
        .hasMessageContaining("FERRY_DO_REGION=mars")
        .hasMessageContaining("nyc");
    assertThatThrownBy(() -> create(with(DoSettings.INSTANCE_SIZE, "apps-huge")))
        .hasMessageContaining("FERRY_DO_INSTANCE_SIZE=apps-huge");
    assertThat(create(with(DoSettings.REGION, "fra1")).id()).isEqualTo("do-app");
  }

  @Test
  void refusesAnImageAppPlatformCannotPull() {
    assertThatThrownBy(() -> create(with("FERRY_IMAGE", "127.0.0.1:5000/ferry/worker:1")))
        .hasMessageContaining("FERRY_IMAGE")
        .hasMessageContaining("127.0.0.1:5000");
  }

  @Test
  void refusesATemporalAddressTheInternetCannotReach() {
    for (String address :
        new String[] {
          "127.0.0.1:7233",
          "localhost:7233",
          "10.1.2.3:7233",
          "192.168.0.9:7233",
          "172.16.0.1:7233",
          "[::1]:7233",
          "[fd00::1]:7233",
          "169.254.1.1:7233",
          "0.0.0.0:7233"
        }) {
      assertThatThrownBy(() -> create(with(DoSettings.EXTERNAL_TEMPORAL_ADDRESS, address)))
          .as(address)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("FERRY_EXTERNAL_TEMPORAL_ADDRESS=" + address + " a loopback")
          .hasMessageContaining("cannot reach");
    }
    Map<String, String> fromTemporalAddress = without(DoSettings.EXTERNAL_TEMPORAL_ADDRESS);
    fromTemporalAddress.put("TEMPORAL_ADDRESS", "127.0.0.1:7233");
    assertThatThrownBy(() -> create(fromTemporalAddress))
        .hasMessageContaining("FERRY_EXTERNAL_TEMPORAL_ADDRESS is unset")
        .hasMessageContaining("TEMPORAL_ADDRESS=127.0.0.1:7233");
    assertThatThrownBy(() -> create(without(DoSettings.EXTERNAL_TEMPORAL_ADDRESS)))
        .hasMessageContaining("FERRY_EXTERNAL_TEMPORAL_ADDRESS must be set");
  }

  @Test
  void acceptsAPublicTemporalAddress() {
    assertThat(create(with(DoSettings.EXTERNAL_TEMPORAL_ADDRESS, "203.0.113.7:7233")).id())
        .isEqualTo("do-app");
    assertThat(TemporalReachability.host("https://ns.acct.tmprl.cloud:7233/x"))
        .isEqualTo("ns.acct.tmprl.cloud");
  }

  @Test
  void acceptsTlsMaterialGivenAsFilesSinceTheOrchestratorSendsTheirContent() {
    assertThat(create(with("TEMPORAL_TLS_CLIENT_CERT_PATH", "/etc/ferry/client.pem")).id())
        .isEqualTo("do-app");
  }

  @Test
  void keepsTheTokenOutOfItsDescription() {
    assertThat(DoSettings.fromEnv(env(), "do-app").toString()).doesNotContain("dop_v1_secret");
  }

  private static dev.ferry.providers.ComputeProvider create(Map<String, String> env) {
    return new AppProviderFactory().create(env);
  }

  private static Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put(DoSettings.TOKEN, "dop_v1_secret");
    env.put(DoSettings.REGION, "nyc");
    env.put("FERRY_IMAGE", "registry.digitalocean.com/ferry/external-worker:1");
    env.put(DoSettings.EXTERNAL_TEMPORAL_ADDRESS, "ferry.a1b2c.tmprl.cloud:7233");
    env.put(DoSettings.API_URL, "http://127.0.0.1:9");
    return env;
  }

  private static Map<String, String> with(String key, String value) {
    Map<String, String> env = env();
    env.put(key, value);
    return env;
  }

  private static Map<String, String> without(String key) {
    Map<String, String> env = env();
    env.remove(key);
    return env;
  }
}
