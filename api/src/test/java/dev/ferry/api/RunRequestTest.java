package dev.ferry.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class RunRequestTest {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  @Test
  void fillsEverythingButTheWorkloadWithDefaults() {
    RunRequest request = RunRequest.of("primes", null);

    assertThat(request.input()).isEqualTo(NODES.objectNode());
    assertThat(request.compute()).isEqualTo(ComputeSpec.defaults());
    assertThat(request.timeouts()).isEqualTo(RunTimeouts.defaults());
    assertThat(request.maxComputeAttempts()).isEqualTo(RunRequest.DEFAULT_MAX_COMPUTE_ATTEMPTS);
    assertThat(request.mode()).isEqualTo(ExecutionMode.WORKER);
    assertThat(request.costCeilingUsd()).isNull();
  }

  @Test
  void readsAJsonNullOrMissingInputAsAnEmptyObject() {
    assertThat(RunRequest.of("primes", NullNode.getInstance()).input())
        .isEqualTo(NODES.objectNode());
    assertThat(RunRequest.of("primes", MissingNode.getInstance()).input())
        .isEqualTo(NODES.objectNode());
  }

  @Test
  void keepsAnObjectInput() {
    JsonNode input = NODES.objectNode().put("below", 10);

    assertThat(RunRequest.of("primes", input).input()).isEqualTo(input);
  }

  @Test
  void rejectsAnInputThatIsNotAnObject() {
    assertThatThrownBy(() -> RunRequest.of("primes", NODES.arrayNode()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("input must be a JSON object, was ARRAY");
  }

  @Test
  void rejectsAnUnnamedWorkload() {
    assertThatThrownBy(() -> RunRequest.of(null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("workload must be named");
    assertThatThrownBy(() -> RunRequest.of(" ", null)).hasMessage("workload must be named");
  }

  @Test
  void keepsAnAttemptCountUpToTheBoundAndRejectsOthers() {
    assertThat(RunRequest.of("primes", null).withMaxComputeAttempts(1).maxComputeAttempts())
        .isEqualTo(1);
    assertThat(RunRequest.of("primes", null).withMaxComputeAttempts(5).maxComputeAttempts())
        .isEqualTo(RunRequest.MAX_COMPUTE_ATTEMPTS);
    assertThatThrownBy(() -> Bounds.checked(Bounds.valid().withMaxComputeAttempts(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxComputeAttempts must be between 1 and 5, was -1");
    assertThatThrownBy(() -> Bounds.checked(Bounds.valid().withMaxComputeAttempts(6)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxComputeAttempts must be between 1 and 5, was 6");
  }

  @Test
  void acceptsOnlyAPositiveCostCeiling() {
    assertThat(request(new BigDecimal("0.01")).costCeilingUsd()).isEqualByComparingTo("0.01");
    assertThatThrownBy(() -> Bounds.checked(request(BigDecimal.ZERO)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("costCeilingUsd must be positive when set, was 0");
    assertThatThrownBy(() -> Bounds.checked(request(new BigDecimal("-1"))))
        .hasMessage("costCeilingUsd must be positive when set, was -1");
  }

  @Test
  void keepsAnExplicitMode() {
    RunRequest request =
        new RunRequest("primes", null, null, null, 0, ExecutionMode.CALLBACK, null);

    assertThat(request.mode()).isEqualTo(ExecutionMode.CALLBACK);
  }

  @Test
  void withersChangeOneFieldOnly() {
    RunRequest request = RunRequest.of("shell", NODES.objectNode().put("command", "true"));
    ComputeSpec compute = ComputeSpec.defaults().withProvider("docker");
    RunTimeouts timeouts = new RunTimeouts(null, null, java.time.Duration.ofSeconds(5));

    assertThat(request.withCompute(compute))
        .isEqualTo(new RunRequest("shell", request.input(), compute, null, 0, null, null));
    assertThat(request.withTimeouts(timeouts))
        .isEqualTo(new RunRequest("shell", request.input(), null, timeouts, 0, null, null));
    assertThat(request.withMaxComputeAttempts(5))
        .isEqualTo(new RunRequest("shell", request.input(), null, null, 5, null, null));
  }

  private static RunRequest request(BigDecimal costCeiling) {
    return new RunRequest("primes", null, null, null, 0, null, costCeiling);
  }
}
