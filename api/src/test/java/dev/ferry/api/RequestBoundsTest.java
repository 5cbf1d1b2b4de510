package dev.ferry.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestBoundsTest {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  @Test
  void acceptsEveryFieldAtItsBound() {
    RunRequest largest =
        Bounds.valid()
            .withCompute(
                new ComputeSpec(
                    "docker",
                    "img:1",
                    RequestBounds.MAX_CPUS,
                    RequestBounds.MAX_MEMORY_MB,
                    null,
                    env(RequestBounds.MAX_ENV_VARIABLES, 10)))
            .withTimeouts(
                new RunTimeouts(
                    RunTimeouts.MAX_BOOT, RunTimeouts.MAX_RUN, RunTimeouts.MAX_HEARTBEAT))
            .withMaxComputeAttempts(RequestBounds.MAX_COMPUTE_ATTEMPTS);

    assertThat(RequestBounds.violation("a".repeat(RequestBounds.MAX_ID_LENGTH), largest)).isEmpty();
  }

  @Test
  void refusesCpusAndMemoryBeyondTheirBoundsNamingTheBound() {
    assertThat(field(Bounds.valid().withCompute(new ComputeSpec(null, null, 65, 0, null, null))))
        .isEqualTo(
            new RequestBounds.Violation(
                "compute.cpus",
                "compute.cpus must be 0 (the provider's default) up to 64, was 65.0"));
    assertThat(
            field(
                Bounds.valid()
                    .withCompute(
                        new ComputeSpec(
                            null, null, 0, RequestBounds.MAX_MEMORY_MB + 1, null, null))))
        .extracting(RequestBounds.Violation::field, RequestBounds.Violation::message)
        .containsExactly(
            "compute.memoryMb",
            "compute.memoryMb must be 0 (the provider's default) up to 262144 (256 GiB), was 262145");
  }

  @Test
  void refusesIdsTooLongOrWithOtherCharacters() {
    assertThat(RequestBounds.id("a".repeat(201)).message())
        .isEqualTo("id must be 1 to 200 characters, was 201");
    assertThat(RequestBounds.id("a b").field()).isEqualTo("id");
    assertThat(RequestBounds.id("../etc")).isNotNull();
    assertThat(RequestBounds.id("run-primes_1.2")).isNull();
    assertThat(RequestBounds.id(null)).isNull();
  }

  @Test
  void refusesAWorkloadNameThatCouldNotBePartOfAnId() {
    RunRequest callback =
        new RunRequest("my workload", null, null, null, 0, ExecutionMode.CALLBACK, null);

    assertThat(field(callback).field()).isEqualTo("workload");
    assertThat(
            RequestBounds.violation(
                null,
                new RunRequest("any-name.v2", null, null, null, 0, ExecutionMode.CALLBACK, null)))
        .isEmpty();
  }

  @Test
  void refusesInputLargerThan256KiB() {
    RunRequest big =
        RunRequest.of(
            "shell", NODES.objectNode().put("command", "x".repeat(RequestBounds.MAX_INPUT_BYTES)));

    assertThat(field(big).field()).isEqualTo("input");
    assertThat(field(big).message()).startsWith("input must be at most 262144 bytes");
  }

  @Test
  void refusesTooManyOrTooLargeEnvironmentVariables() {
    assertThat(
            field(Bounds.valid().withCompute(ComputeSpec.defaults().withEnv(env(33, 1)))).message())
        .isEqualTo("compute.env may set at most 32 variables, had 33");
    assertThat(
            field(
                    Bounds.valid()
                        .withCompute(ComputeSpec.defaults().withEnv(Map.of("A", "x".repeat(4096)))))
                .message())
        .isEqualTo("compute.env must be at most 4096 bytes of names and values, was 4097");
  }

  @Test
  void readsWorkloadInputStrictly() {
    assertThat(field(RunRequest.of("primes", NODES.objectNode().put("below", "1000"))).field())
        .isEqualTo("input");
    assertThat(field(RunRequest.of("primes", NODES.objectNode().put("below", 1000.5))).message())
        .contains("below");
    assertThat(
            field(RunRequest.of("primes", NODES.objectNode().put("below", 10).put("x", 1)))
                .message())
        .contains("\"x\"");
    // Runs started before the bounds keep the lenient reading.
    assertThat(Workload.parseLenient("primes", NODES.objectNode().put("below", "1000")))
        .isEqualTo(new PrimesInput(1000));
  }

  @Test
  void boundsAPullRequestChecksCommandAndUrl() {
    String sha = "0123456789abcdef0123456789abcdef01234567";
    PullRequestCheck check =
        new PullRequestCheck("a/b", 1, sha, sha, null, "x".repeat(8193), null, null);

    assertThatThrownBy(() -> RequestBounds.check(check))
        .isInstanceOfSatisfying(
            RequestBounds.OutOfBounds.class, e -> assertThat(e.field()).isEqualTo("command"))
        .hasMessage("command must be at most 8192 characters, was 8193");
  }

  private static RequestBounds.Violation field(RunRequest request) {
    return RequestBounds.violation(null, request).orElseThrow();
  }

  private static Map<String, String> env(int count, int valueLength) {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < count; i++) {
      env.put("V" + i, "x".repeat(valueLength));
    }
    return env;
  }
}
