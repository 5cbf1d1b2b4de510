package dev.ferry.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;

class WorkloadTest {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  @Test
  void findsTheBuiltInsById() {
    assertThat(Workload.byId("primes")).contains(Workload.PRIMES);
    assertThat(Workload.byId("shell")).contains(Workload.SHELL);
    assertThat(Workload.byId("bitcoin")).isEmpty();
    assertThat(Workload.knownIds()).isEqualTo("primes, shell, pr-check");
    assertThat(Workload.PRIMES.inputType()).isEqualTo(PrimesInput.class);
  }

  @Test
  void parsesTheInputOfTheNamedWorkload() {
    assertThat(Workload.parse("primes", below(2))).isEqualTo(new PrimesInput(2));
    assertThat(Workload.parse("primes", below(PrimesInput.MAX_BELOW)))
        .isEqualTo(new PrimesInput(PrimesInput.MAX_BELOW));
    assertThat(Workload.parse("shell", NODES.objectNode().put("command", "true")))
        .isEqualTo(new ShellInput("true"));
  }

  @Test
  void namesTheKnownWorkloadsWhenTheIdIsUnknown() {
    assertThatThrownBy(() -> Workload.parse("bitcoin", NODES.objectNode()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown workload 'bitcoin'; known workloads: primes, shell, pr-check");
  }

  @Test
  void rejectsAPrimesBoundOutsideItsRange() {
    assertThatThrownBy(() -> Workload.parse("primes", below(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "invalid input for workload 'primes': below must be between 2 and "
                + PrimesInput.MAX_BELOW
                + ", was 1");
    assertThatThrownBy(() -> Workload.parse("primes", below(PrimesInput.MAX_BELOW + 1)))
        .hasMessageContaining("was " + (PrimesInput.MAX_BELOW + 1));
  }

  @Test
  void rejectsABlankOrMissingShellCommand() {
    assertThatThrownBy(() -> Workload.parse("shell", NODES.objectNode().put("command", " ")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid input for workload 'shell': command must be a non-empty string");
    assertThatThrownBy(() -> Workload.parse("shell", NODES.objectNode()))
        .hasMessage("invalid input for workload 'shell': command must be a non-empty string");
  }

  @Test
  void rejectsAnUnknownFieldNamingIt() {
    JsonNode input = below(10).deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) input).put("above", 3);

    assertThatThrownBy(() -> Workload.parse("primes", input))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid input for workload 'primes': ")
        .hasMessageContaining("\"above\"");
  }

  @Test
  void readsTheInputAsItsOwnTypeOnly() {
    assertThat(Workload.PRIMES.read(below(10), PrimesInput.class)).isEqualTo(new PrimesInput(10));
    assertThatThrownBy(() -> Workload.PRIMES.read(below(10), ShellInput.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(ShellInput.class + " is not the input of workload primes");
  }

  private static JsonNode below(long below) {
    return NODES.objectNode().put("below", below);
  }
}
