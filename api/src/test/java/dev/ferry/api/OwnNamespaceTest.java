package dev.ferry.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OwnNamespaceTest {

  @Test
  void ferrysOwnServerIsInNamespaceFerryUnlessTemporalNamespaceSaysOtherwise() {
    assertThat(OwnNamespace.applied(Map.of())).containsEntry("TEMPORAL_NAMESPACE", "ferry");
    assertThat(OwnNamespace.applied(Map.of("TEMPORAL_ADDRESS", " ")))
        .containsEntry("TEMPORAL_NAMESPACE", "ferry");
    assertThat(OwnNamespace.applied(Map.of("TEMPORAL_NAMESPACE", "builds")))
        .containsEntry("TEMPORAL_NAMESPACE", "builds");
    assertThat(TemporalConnection.profile(OwnNamespace.applied(Map.of())).getNamespace())
        .isEqualTo("ferry");
  }

  @Test
  void aConfiguredServerKeepsItsOwnDefault() {
    Map<String, String> env = Map.of("TEMPORAL_ADDRESS", "temporal.example:7233");

    assertThat(OwnNamespace.applied(env)).isSameAs(env);
    assertThat(TemporalConnection.profile(OwnNamespace.applied(env)).getNamespace())
        .isEqualTo("default");
  }
}
