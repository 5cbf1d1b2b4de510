package dev.ferry.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ProviderRegistryTest {

  @Test
  void aFactoryThatCannotReachItsPlatformIsTriedAgainOnTheNextCall() {
    var flaky = new FlakyProviderFactory("fake", 2, FakeComputeProvider::new);
    ProviderRegistry registry = ProviderRegistry.of(Map.of(), flaky);

    assertThatThrownBy(() -> registry.get("fake"))
        .isInstanceOf(ProviderException.Unavailable.class)
        .hasMessageContaining("engine restarting");
    assertThatThrownBy(() -> registry.get("fake"))
        .isInstanceOf(ProviderException.Unavailable.class);
    ComputeProvider made = registry.get("fake");

    assertThat(registry.get("fake")).isSameAs(made);
    assertThat(flaky.creations()).isEqualTo(3);
  }

  @Test
  void aMisconfiguredProviderIsAnInvalidSpecNamingTheProviderAndTheVariable() {
    ComputeProviderFactory misconfigured =
        new ComputeProviderFactory() {
          @Override
          public String id() {
            return "fake";
          }

          @Override
          public ComputeProvider create(Map<String, String> env) {
            throw new IllegalArgumentException("FERRY_FAKE_TOKEN must be set");
          }
        };
    ProviderRegistry registry = ProviderRegistry.of(Map.of(), misconfigured);

    assertThatThrownBy(() -> registry.get("fake"))
        .isInstanceOf(ProviderException.InvalidSpec.class)
        .hasMessage("provider 'fake' is not configured: FERRY_FAKE_TOKEN must be set");
    assertThatThrownBy(() -> registry.get("nope"))
        .isInstanceOf(ProviderException.InvalidSpec.class)
        .hasMessageContaining("unknown provider 'nope'; known providers: fake");
  }
}
