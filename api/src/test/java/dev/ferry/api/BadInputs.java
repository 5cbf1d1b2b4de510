package dev.ferry.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bad requests every entry point is swept with ({@code CliBadInputSweepTest}, {@code
 * HttpBadInputSweepTest}, {@code WorkflowBadInputSweepTest}), each as that entry point receives it.
 * The README's table of bad input lists the same rows.
 */
public final class BadInputs {

  private BadInputs() {}

  /**
   * One bad input.
   *
   * @param name what is wrong
   * @param cli the arguments of {@code ferry} ({@code run ...}); null where the CLI cannot send it
   * @param cliNames what the CLI's message must contain: the option and the field
   * @param http the body of {@code POST /runs}; null where the body cannot say it
   * @param httpField the {@code field} of the 400 answer; null when the body is not JSON at all
   * @param workflowId the workflow id a client starts the run with
   * @param workflow the workflow input as an untyped client sends it; null where Temporal's client
   *     cannot send it (its converter always writes well-formed JSON)
   * @param workflowType the non-retryable failure type the run ends with
   * @param workflowField what the failure's message must contain
   */
  public record Case(
      String name,
      List<String> cli,
      List<String> cliNames,
      String http,
      String httpField,
      String workflowId,
      Map<String, Object> workflow,
      String workflowType,
      String workflowField) {

    @Override
    public String toString() {
      return name;
    }
  }

  private static final String OK_INPUT = "{\"below\":100}";
  private static final String LONG_ID = "a".repeat(RequestBounds.MAX_ID_LENGTH + 1);
  private static final String BIG_COMMAND = "x".repeat(RequestBounds.MAX_INPUT_BYTES);

  /** Every row. */
  public static List<Case> all() {
    List<Case> cases = new ArrayList<>();
    cases.add(bound("negative cpus", "--cpus=-1", "cpus", -1, "compute.cpus"));
    cases.add(bound("65 cpus", "--cpus=65", "cpus", 65, "compute.cpus"));
    cases.add(bound("negative memory", "--memory-mb=-1", "memory_mb", -1, "compute.memoryMb"));
    cases.add(
        bound(
            "memory over 256 GiB",
            "--memory-mb=" + (RequestBounds.MAX_MEMORY_MB + 1),
            "memory_mb",
            RequestBounds.MAX_MEMORY_MB + 1,
            "compute.memoryMb"));
    cases.add(bound("negative attempts", "--attempts=-1", "attempts", -1, "maxComputeAttempts"));
    cases.add(bound("6 attempts", "--attempts=6", "attempts", 6, "maxComputeAttempts"));
    cases.add(timeout("zero boot timeout", "--boot-timeout=0s", "boot_timeout", "PT0S", "boot", 0));
    cases.add(
        timeout(
            "run timeout over 7 days",
            "--run-timeout=8d",
            "run_timeout",
            "P8D",
            "run",
            Duration.ofDays(8).toSeconds()));
    cases.add(
        timeout(
            "heartbeat timeout over 1 day",
            "--heartbeat-timeout=25h",
            "heartbeat_timeout",
            "PT25H",
            "heartbeat",
            Duration.ofHours(25).toSeconds()));
    cases.add(
        new Case(
            "id of 201 characters",
            List.of("run", "primes", "--input", OK_INPUT, "--id", LONG_ID),
            List.of("--id", "200"),
            "{\"workload\":\"primes\",\"input\":" + OK_INPUT + ",\"id\":\"" + LONG_ID + "\"}",
            "id",
            LONG_ID,
            request("primes", OK_INPUT, Map.of()),
            FailureTypes.INVALID_REQUEST,
            "id must be 1 to 200"));
    cases.add(
        new Case(
            "id with a space and a slash",
            List.of("run", "primes", "--input", OK_INPUT, "--id", "my run/1"),
            List.of("--id", "letters, digits"),
            "{\"workload\":\"primes\",\"input\":" + OK_INPUT + ",\"id\":\"my run/1\"}",
            "id",
            "my run/1",
            request("primes", OK_INPUT, Map.of()),
            FailureTypes.INVALID_REQUEST,
            "id may hold only"));
    String big = "{\"command\":\"" + BIG_COMMAND + "\"}";
    cases.add(
        new Case(
            "input over 256 KiB",
            List.of("run", "shell", "--input", big),
            List.of("--input", "262144 bytes"),
            "{\"workload\":\"shell\",\"input\":" + big + "}",
            "input",
            "sweep",
            request("shell", big, Map.of()),
            FailureTypes.INVALID_REQUEST,
            "input must be at most 262144 bytes"));
    cases.add(
        new Case(
            "trailing garbage",
            List.of("run", "primes", "--input", OK_INPUT + " x"),
            List.of("--input", "not valid JSON"),
            "{\"workload\":\"primes\",\"input\":" + OK_INPUT + "} x",
            null,
            null,
            null,
            null,
            null));
    cases.add(input("string for a number", "{\"below\":\"100\"}", "below"));
    cases.add(input("fraction for a whole number", "{\"below\":100.5}", "below"));
    cases.add(
        new Case(
            "duplicate key",
            List.of("run", "primes", "--input", "{\"below\":100,\"below\":7}"),
            List.of("--input", "duplicate key 'below'"),
            "{\"workload\":\"primes\",\"workload\":\"shell\",\"input\":" + OK_INPUT + "}",
            "workload",
            null,
            null,
            null,
            null));
    cases.add(
        new Case(
            "unknown field",
            List.of("run", "primes", "--input", "{\"below\":100,\"above\":3}"),
            List.of("--input", "above"),
            "{\"workload\":\"primes\",\"input\":" + OK_INPUT + ",\"cpu\":2}",
            "cpu",
            "sweep",
            request("primes", "{\"below\":100,\"above\":3}", Map.of()),
            FailureTypes.INVALID_REQUEST,
            "above"));
    cases.add(
        new Case(
            "input that is not an object",
            List.of("run", "primes", "--input", "[100]"),
            List.of("--input", "JSON object"),
            "{\"workload\":\"primes\",\"input\":[100]}",
            "input",
            "sweep",
            Map.of("workload", "primes", "input", List.of(100)),
            "io.temporal.common.converter.DataConverterException",
            "input must be a JSON object"));
    cases.add(
        new Case(
            "workload that is not a string",
            null,
            null,
            "{\"workload\":5}",
            "workload",
            "sweep",
            Map.of("workload", 5),
            FailureTypes.INVALID_REQUEST,
            "unknown workload '5'"));
    cases.add(
        new Case(
            "unknown workload",
            List.of("run", "bitcoin"),
            List.of("WORKLOAD", "unknown workload 'bitcoin'"),
            "{\"workload\":\"bitcoin\"}",
            "workload",
            "sweep",
            Map.of("workload", "bitcoin"),
            FailureTypes.INVALID_REQUEST,
            "unknown workload 'bitcoin'"));
    Map<String, Object> callback = new LinkedHashMap<>();
    callback.put("workload", "make test");
    callback.put("mode", "CALLBACK");
    callback.put("compute", Map.of("provider", "fake"));
    cases.add(
        new Case(
            "callback workload name with a space",
            List.of("run", "make test", "--mode", "callback", "--provider", "docker"),
            List.of("WORKLOAD", "workload must be 1 to 64"),
            "{\"workload\":\"make test\",\"mode\":\"callback\",\"provider\":\"docker\"}",
            "workload",
            "sweep",
            callback,
            FailureTypes.INVALID_REQUEST,
            "workload must be 1 to 64"));
    cases.add(
        new Case(
            "provider that is not an id",
            List.of("run", "primes", "--input", OK_INPUT, "--provider", "Not An Id"),
            List.of("--provider", "compute.provider"),
            "{\"workload\":\"primes\",\"input\":" + OK_INPUT + ",\"provider\":\"Not An Id\"}",
            "provider",
            "sweep",
            request("primes", OK_INPUT, Map.of("provider", "Not An Id")),
            FailureTypes.INVALID_REQUEST,
            "compute.provider"));
    cases.add(
        new Case(
            "loader variable in compute.env",
            null,
            null,
            null,
            null,
            "sweep",
            request("primes", OK_INPUT, Map.of("env", Map.of("LD_PRELOAD", "/tmp/x.so"))),
            FailureTypes.INVALID_COMPUTE_SPEC,
            "compute.env must not set 'LD_PRELOAD'"));
    Map<String, String> manyVariables = new LinkedHashMap<>();
    for (int i = 0; i <= RequestBounds.MAX_ENV_VARIABLES; i++) {
      manyVariables.put("V" + i, "1");
    }
    cases.add(
        new Case(
            "33 compute.env variables",
            null,
            null,
            null,
            null,
            "sweep",
            request("primes", OK_INPUT, Map.of("env", manyVariables)),
            FailureTypes.INVALID_REQUEST,
            "compute.env may set at most 32"));
    cases.add(
        new Case(
            "image the server does not allow",
            null,
            null,
            "{\"workload\":\"primes\",\"input\":"
                + OK_INPUT
                + ",\"image\":\"attacker.example/steal:1\"}",
            "image",
            "sweep",
            request("primes", OK_INPUT, Map.of("image", "attacker.example/steal:1")),
            FailureTypes.INVALID_COMPUTE_SPEC,
            "compute.image 'attacker.example/steal:1' is not allowed"));
    return cases;
  }

  private static Case bound(
      String name, String cliOption, String httpField, Object value, String field) {
    Map<String, Object> request;
    if (field.startsWith("compute.")) {
      request = request("primes", OK_INPUT, Map.of(field.substring("compute.".length()), value));
    } else {
      request = new LinkedHashMap<>(request("primes", OK_INPUT, Map.of()));
      request.put(field, value);
    }
    return new Case(
        name,
        List.of("run", "primes", "--input", OK_INPUT, cliOption),
        List.of(cliOption.substring(0, cliOption.indexOf('=')), field),
        "{\"workload\":\"primes\",\"input\":" + OK_INPUT + ",\"" + httpField + "\":" + value + "}",
        httpField,
        "sweep",
        request,
        FailureTypes.INVALID_REQUEST,
        field);
  }

  private static Case timeout(
      String name,
      String cliOption,
      String httpField,
      String iso,
      String timeout,
      long workflowSeconds) {
    Map<String, Object> request = new LinkedHashMap<>(request("primes", OK_INPUT, Map.of()));
    // Temporal's converter writes durations as seconds.
    request.put("timeouts", Map.of(timeout, workflowSeconds));
    return new Case(
        name,
        List.of("run", "primes", "--input", OK_INPUT, cliOption),
        List.of(cliOption.substring(0, cliOption.indexOf('=')), "timeouts." + timeout),
        "{\"workload\":\"primes\",\"input\":"
            + OK_INPUT
            + ",\""
            + httpField
            + "\":\""
            + iso
            + "\"}",
        httpField,
        "sweep",
        request,
        FailureTypes.INVALID_REQUEST,
        "timeouts." + timeout);
  }

  private static Case input(String name, String input, String inputField) {
    return new Case(
        name,
        List.of("run", "primes", "--input", input),
        List.of("--input", inputField),
        "{\"workload\":\"primes\",\"input\":" + input + "}",
        "input",
        "sweep",
        request("primes", input, Map.of()),
        FailureTypes.INVALID_REQUEST,
        inputField);
  }

  private static Map<String, Object> request(
      String workload, String input, Map<String, Object> compute) {
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("workload", workload);
    request.put("input", new RawInput(input));
    if (!compute.isEmpty()) {
      request.put("compute", compute);
    }
    return request;
  }

  /** Workload input as JSON text, written as it is by the workflow sweep's client. */
  public record RawInput(String json) {}
}
