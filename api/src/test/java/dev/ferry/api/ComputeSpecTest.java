package dev.ferry.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ComputeSpecTest {

  @ParameterizedTest
  @ValueSource(strings = {"local", "docker", "do-app2", "x"})
  void acceptsProviderIds(String id) {
    assertThat(spec(id).provider()).isEqualTo(id);
  }

  @ParameterizedTest
  @ValueSource(strings = {"Local", "2docker", "-local", "local_1", ""})
  void rejectsWhatIsNotAProviderId(String id) {
    assertThatThrownBy(() -> Bounds.checked(spec(id)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("compute.provider")
        .hasMessageContaining("'" + id + "'");
  }

  @Test
  void leavesTheProviderToTheDefaultWhenUnset() {
    assertThat(ComputeSpec.defaults()).isEqualTo(new ComputeSpec(null, null, 0, 0, null, Map.of()));
  }

  @Test
  void treatsABlankImageAsUnset() {
    assertThat(new ComputeSpec(null, "  ", 0, 0, null, null).image()).isNull();
    assertThat(new ComputeSpec(null, "img:1", 0, 0, null, null).image()).isEqualTo("img:1");
  }

  @Test
  void acceptsZeroOrPositiveCpusAndMemory() {
    ComputeSpec spec = new ComputeSpec(null, null, 0.5, 64, null, null);

    assertThat(spec.cpus()).isEqualTo(0.5);
    assertThat(spec.memoryMb()).isEqualTo(64);
    assertThat(new ComputeSpec(null, null, 0, 0, null, null).cpus()).isZero();
  }

  @ParameterizedTest
  @ValueSource(doubles = {-0.5, Double.NaN, Double.POSITIVE_INFINITY, 64.5})
  void rejectsCpusThatAreNotANonNegativeNumber(double cpus) {
    assertThatThrownBy(() -> Bounds.checked(new ComputeSpec(null, null, cpus, 0, null, null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("compute.cpus must be 0 (the provider's default) up to 64, was " + cpus);
  }

  @Test
  void rejectsNegativeMemory() {
    assertThatThrownBy(() -> Bounds.checked(new ComputeSpec(null, null, 0, -1, null, null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "compute.memoryMb must be 0 (the provider's default) up to 262144 (256 GiB), was -1");
  }

  @Test
  void copiesTheEnvironmentAndReadsNullAsEmpty() {
    Map<String, String> env = new HashMap<>(Map.of("_A1", "x"));
    ComputeSpec spec = new ComputeSpec(null, null, 0, 0, null, env);
    env.put("B", "y");

    assertThat(spec.env()).containsExactly(Map.entry("_A1", "x"));
    assertThat(new ComputeSpec(null, null, 0, 0, null, null).env()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"1X", "A-B", "A B", ""})
  void rejectsInvalidVariableNames(String name) {
    assertThatThrownBy(
            () -> Bounds.checked(new ComputeSpec(null, null, 0, 0, null, Map.of(name, "v"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("compute.env has an invalid variable name '" + name + "'");
  }

  @Test
  void withersChangeOneFieldOnly() {
    ComputeSpec spec = new ComputeSpec("local", "img", 1, 128, "eu", Map.of("A", "1"));

    assertThat(spec.withProvider("docker"))
        .isEqualTo(new ComputeSpec("docker", "img", 1, 128, "eu", Map.of("A", "1")));
    assertThat(spec.withImage("other"))
        .isEqualTo(new ComputeSpec("local", "other", 1, 128, "eu", Map.of("A", "1")));
    assertThat(spec.withEnv(Map.of("B", "2")))
        .isEqualTo(new ComputeSpec("local", "img", 1, 128, "eu", Map.of("B", "2")));
  }

  private static ComputeSpec spec(String provider) {
    return new ComputeSpec(provider, null, 0, 0, null, null);
  }
}
