package dev.ferry.providers.digitalocean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.providers.ProviderRegistry;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Start-up checks of {@code do-droplet}: nothing is contacted, every error names its variable. */
class DropletProviderFactoryTest {

  @Test
  void isFoundByTheRegistry() {
    assertThat(ProviderRegistry.load(Map.of()).ids()).contains("do-app", "do-droplet");
  }

  @Test
  void startsFromACompleteEnvironment() {
    assertThat(new DropletProviderFactory().create(env()).id()).isEqualTo("do-droplet");
  }

  @Test
  void namesWhatIsMissingOrWrong() {
    assertThatThrownBy(() -> create(without(DoSettings.TOKEN)))
        .hasMessageContaining("DIGITALOCEAN_ACCESS_TOKEN");
    assertThatThrownBy(() -> create(without(DoSettings.REGION)))
        .hasMessageContaining("FERRY_DO_REGION");
    assertThatThrownBy(() -> create(with(DoSettings.REGION, "nyc")))
        .hasMessageContaining("FERRY_DO_REGION=nyc is not a droplet region")
        .hasMessageContaining("nyc3");
    assertThatThrownBy(() -> create(without("FERRY_IMAGE"))).hasMessageContaining("FERRY_IMAGE");
    assertThatThrownBy(() -> create(with(DropletSettings.SIZE, "S 1")))
        .hasMessageContaining("FERRY_DO_DROPLET_SIZE");
    assertThatThrownBy(() -> create(with(DoSettings.API_URL, "http://127.0.0.1:9")))
        .hasMessageContaining("FERRY_DO_API_URL=http://127.0.0.1:9")
        .hasMessageContaining("HTTPS only");
    assertThatThrownBy(() -> create(with(DoSettings.EXTERNAL_TEMPORAL_ADDRESS, "10.0.0.5:7233")))
        .hasMessageContaining("FERRY_EXTERNAL_TEMPORAL_ADDRESS=10.0.0.5:7233")
        .hasMessageContaining("cannot reach");
  }

  private static dev.ferry.providers.ComputeProvider create(Map<String, String> env) {
    return new DropletProviderFactory().create(env);
  }

  private static Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put(DoSettings.TOKEN, "dop_v1_secret");
    env.put(DoSettings.REGION, "nyc3");
    env.put("FERRY_IMAGE", "registry.digitalocean.com/ferry/external-worker:1");
    env.put(DoSettings.EXTERNAL_TEMPORAL_ADDRESS, "ferry.a1b2c.tmprl.cloud:7233");
    env.put(DoSettings.API_URL, "https://127.0.0.1:9");
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
