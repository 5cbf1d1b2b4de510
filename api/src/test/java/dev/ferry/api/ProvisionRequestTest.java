package dev.ferry.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProvisionRequestTest {

  private static final ComputeSpec LOCAL = ComputeSpec.defaults().withProvider("local");
  private static final Instant LEASE = Instant.parse("2030-01-01T00:00:00Z");

  @Test
  void namesItsHandleAfterTheProviderAndName() {
    ProvisionRequest request = new ProvisionRequest("ferry-1", "q-1", LOCAL, null, LEASE);

    assertThat(request.handle()).isEqualTo(new ComputeHandle("local", "ferry-1", null));
    assertThat(request.labels()).isEmpty();
    assertThat(request.withSpec(LOCAL.withImage("img")).spec().image()).isEqualTo("img");
    assertThat(request.withSpec(LOCAL.withImage("img")).name()).isEqualTo("ferry-1");
  }

  @Test
  void copiesTheLabels() {
    Map<String, String> labels = new HashMap<>(Map.of("a", "1"));
    ProvisionRequest request = new ProvisionRequest("ferry-1", "q-1", LOCAL, labels, LEASE);
    labels.put("b", "2");

    assertThat(request.labels()).containsExactly(Map.entry("a", "1"));
  }

  @Test
  void rejectsAnIncompleteRequest() {
    assertThatThrownBy(() -> new ProvisionRequest(" ", "q", LOCAL, null, LEASE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("name must be set");
    assertThatThrownBy(() -> new ProvisionRequest(null, "q", LOCAL, null, LEASE))
        .hasMessage("name must be set");
    assertThatThrownBy(() -> new ProvisionRequest("n", "", LOCAL, null, LEASE))
        .hasMessage("taskQueue must be set");
    assertThatThrownBy(() -> new ProvisionRequest("n", null, LOCAL, null, LEASE))
        .hasMessage("taskQueue must be set");
    assertThatThrownBy(() -> new ProvisionRequest("n", "q", null, null, LEASE))
        .hasMessage("spec must be resolved to a provider");
    assertThatThrownBy(() -> new ProvisionRequest("n", "q", ComputeSpec.defaults(), null, LEASE))
        .hasMessage("spec must be resolved to a provider");
  }

  @Test
  void handlesNeedAProviderAndAName() {
    assertThat(ComputeHandle.named("docker", "ferry-1"))
        .isEqualTo(new ComputeHandle("docker", "ferry-1", null));
    assertThatThrownBy(() -> new ComputeHandle(" ", "n", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("handle.provider must be set");
    assertThatThrownBy(() -> new ComputeHandle(null, "n", null))
        .hasMessage("handle.provider must be set");
    assertThatThrownBy(() -> new ComputeHandle("local", "", null))
        .hasMessage("handle.name must be set");
    assertThatThrownBy(() -> new ComputeHandle("local", null, null))
        .hasMessage("handle.name must be set");
  }

  @Test
  void aTaskReadsAJsonNullCheckpointAsNone() {
    var input = JsonNodeFactory.instance.objectNode();
    var checkpoint = JsonNodeFactory.instance.objectNode().put("next", 3);

    assertThat(new WorkloadTask("primes", input, NullNode.getInstance(), 1).checkpoint()).isNull();
    assertThat(new WorkloadTask("primes", input, null, 1).checkpoint()).isNull();
    assertThat(new WorkloadTask("primes", input, checkpoint, 1).checkpoint()).isEqualTo(checkpoint);
  }
}
