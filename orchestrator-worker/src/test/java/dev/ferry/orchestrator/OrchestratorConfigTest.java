package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.api.TemporalConnection;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OrchestratorConfigTest {

  /** The workers' namespace and the orchestrator's client's are one, on either kind of server. */
  @Test
  void theEmbeddedServerIsInNamespaceFerryAndAConfiguredOneInDefault() {
    OrchestratorConfig embedded = OrchestratorConfig.fromEnvironment(Map.of());
    OrchestratorConfig configured =
        OrchestratorConfig.fromEnvironment(Map.of("TEMPORAL_ADDRESS", "temporal.example:7233"));

    assertThat(embedded.namespace()).isEqualTo("ferry");
    assertThat(TemporalConnection.profile(embedded.env()).getNamespace()).isEqualTo("ferry");
    assertThat(configured.namespace()).isEqualTo("default");
    assertThat(TemporalConnection.profile(configured.env()).getNamespace()).isEqualTo("default");
    assertThat(
            OrchestratorConfig.fromEnvironment(Map.of("TEMPORAL_NAMESPACE", "builds")).namespace())
        .isEqualTo("builds");
  }
}
