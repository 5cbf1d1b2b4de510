package dev.ferry.api;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The bounds of every request, in one place: the CLI, the HTTP API and {@code RunWorkflow} all
 * check with these rules, so a request is refused the same way wherever it enters.
 *
 * <p>The records' constructors keep only what can never change (a request's shape, its defaults);
 * everything a later release might tighten lives here. {@code RunWorkflowImpl} applies these rules
 * behind a {@code Workflow.getVersion}: to change a rule, keep the old one for the versions before
 * it and add a version, or runs in flight fail to replay.
 */
public final class RequestBounds {

  /** Most CPUs a run may reserve: the largest common machine sizes; more is a typo. */
  public static final double MAX_CPUS = 64;

  /** Most memory a run may ask for, 256 GiB: the largest common machine sizes; more is a typo. */
  public static final int MAX_MEMORY_MB = 256 * 1024;

  /** Most fresh computes per run; see {@link RunRequest#MAX_COMPUTE_ATTEMPTS}. */
  public static final int MAX_COMPUTE_ATTEMPTS = RunRequest.MAX_COMPUTE_ATTEMPTS;

  /**
   * Longest workflow id: room for {@code pr-OWNER-NAME-N-SHA12-old} with GitHub's longest names,
   * far under Temporal's 1,000, and short enough for log lines and labels.
   */
  public static final int MAX_ID_LENGTH = 200;

  /** What a workflow id may hold: safe in URLs, file names, labels and shells. */
  public static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]+");

  /** Longest workload name; callback-mode names are the image's to read, but still a name. */
  public static final int MAX_WORKLOAD_LENGTH = 64;

  /** What a workload name may hold: it is part of generated workflow ids. */
  public static final Pattern WORKLOAD = Pattern.compile("[A-Za-z0-9._-]+");

  /**
   * Largest workload input, 256 KiB of JSON: it travels in the run's start event, every attempt's
   * activity and (callback mode) the compute's environment, far under Temporal's 2 MB per payload.
   */
  public static final int MAX_INPUT_BYTES = 256 * 1024;

  /** Most {@code compute.env} variables: room for real settings, not for smuggling files. */
  public static final int MAX_ENV_VARIABLES = 32;

  /**
   * Most bytes of {@code compute.env} names and values together, 4 KiB: AWS Batch takes at most 8
   * KiB of container overrides per job, and Ferry's own variables need the rest.
   */
  public static final int MAX_ENV_BYTES = 4 * 1024;

  /** Longest image reference: Docker's 255-character name, a tag or digest, and a registry. */
  public static final int MAX_IMAGE_LENGTH = 512;

  /** Longest provider id and region name. */
  public static final int MAX_NAME_LENGTH = 64;

  /** Longest pull-request check command, 8 KiB: a script belongs in the repository. */
  public static final int MAX_COMMAND_LENGTH = 8 * 1024;

  /** Longest clone URL. */
  public static final int MAX_URL_LENGTH = 2048;

  private static final Pattern PROVIDER_ID = Pattern.compile("[a-z][a-z0-9-]*");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private RequestBounds() {}

  /**
   * A rule a request broke.
   *
   * @param field the request's field, as {@code RunRequest} names it ({@code compute.cpus}, {@code
   *     timeouts.run}, {@code maxComputeAttempts}, {@code id}, {@code input}, ...)
   * @param message what is wrong, starting with the field, naming the bound
   */
  public record Violation(String field, String message) {}

  /** A request outside its bounds. */
  public static final class OutOfBounds extends IllegalArgumentException {
    private final transient Violation violation;

    public OutOfBounds(Violation violation) {
      super(violation.message());
      this.violation = violation;
    }

    public String field() {
      return violation.field();
    }
  }

  /**
   * Refuses a request outside its bounds.
   *
   * @param workflowId the run's id; null when it is generated
   * @throws OutOfBounds naming the first field out of bounds
   */
  public static void check(String workflowId, RunRequest request) {
    violation(workflowId, request)
        .ifPresent(
            v -> {
              throw new OutOfBounds(v);
            });
  }

  /** The first rule {@code request} breaks, if any. */
  public static Optional<Violation> violation(String workflowId, RunRequest request) {
    Violation found = id(workflowId);
    if (found == null) {
      found = workload(request.workload());
    }
    if (found == null) {
      found = compute(request.compute());
    }
    if (found == null) {
      found = timeouts(request.timeouts());
    }
    if (found == null
        && (request.maxComputeAttempts() < 1
            || request.maxComputeAttempts() > MAX_COMPUTE_ATTEMPTS)) {
      found =
          new Violation(
              "maxComputeAttempts",
              "maxComputeAttempts must be between 1 and "
                  + MAX_COMPUTE_ATTEMPTS
                  + ", was "
                  + request.maxComputeAttempts());
    }
    if (found == null
        && request.costCeilingUsd() != null
        && request.costCeilingUsd().signum() <= 0) {
      found =
          new Violation(
              "costCeilingUsd",
              "costCeilingUsd must be positive when set, was " + request.costCeilingUsd());
    }
    if (found == null) {
      found = input(request);
    }
    return Optional.ofNullable(found);
  }

  /** The rule a workflow id breaks, or null; null ids (generated ones) pass. */
  public static Violation id(String id) {
    if (id == null) {
      return null;
    }
    if (id.isEmpty() || id.length() > MAX_ID_LENGTH) {
      return new Violation(
          "id", "id must be 1 to " + MAX_ID_LENGTH + " characters, was " + id.length());
    }
    if (!ID.matcher(id).matches()) {
      return new Violation(
          "id", "id may hold only letters, digits, '.', '_' and '-', was '" + id + "'");
    }
    return null;
  }

  /**
   * Refuses a pull-request check outside its bounds (its compute and timeouts as a run's).
   *
   * @throws OutOfBounds naming the field
   */
  public static void check(PullRequestCheck check) {
    Violation found = null;
    if (check.command() != null && check.command().length() > MAX_COMMAND_LENGTH) {
      found =
          new Violation(
              "command",
              "command must be at most "
                  + MAX_COMMAND_LENGTH
                  + " characters, was "
                  + check.command().length());
    } else if (check.cloneUrl().length() > MAX_URL_LENGTH) {
      found =
          new Violation(
              "cloneUrl",
              "cloneUrl must be at most "
                  + MAX_URL_LENGTH
                  + " characters, was "
                  + check.cloneUrl().length());
    } else {
      found = id(check.workflowId() + "-old");
      if (found != null) {
        found = new Violation("repo", "repo is too long for a run id: " + found.message());
      }
    }
    if (found == null) {
      found = compute(check.compute());
    }
    if (found == null) {
      found = timeouts(check.timeouts());
    }
    if (found != null) {
      throw new OutOfBounds(found);
    }
  }

  private static Violation workload(String workload) {
    if (workload.length() > MAX_WORKLOAD_LENGTH || !WORKLOAD.matcher(workload).matches()) {
      return new Violation(
          "workload",
          "workload must be 1 to "
              + MAX_WORKLOAD_LENGTH
              + " letters, digits, '.', '_' or '-', was '"
              + shortened(workload)
              + "'");
    }
    return null;
  }

  private static Violation compute(ComputeSpec spec) {
    if (spec.provider() != null
        && (spec.provider().length() > MAX_NAME_LENGTH
            || !PROVIDER_ID.matcher(spec.provider()).matches())) {
      return new Violation(
          "compute.provider",
          "compute.provider must be a provider id like 'local' or 'docker', was '"
              + shortened(spec.provider())
              + "'");
    }
    if (spec.image() != null
        && (spec.image().length() > MAX_IMAGE_LENGTH
            || spec.image().chars().anyMatch(c -> c <= ' ' || c == 0x7f))) {
      return new Violation(
          "compute.image",
          "compute.image must be an image reference of at most "
              + MAX_IMAGE_LENGTH
              + " characters without spaces, was '"
              + shortened(spec.image())
              + "'");
    }
    if (Double.isNaN(spec.cpus()) || spec.cpus() < 0 || spec.cpus() > MAX_CPUS) {
      return new Violation(
          "compute.cpus",
          "compute.cpus must be 0 (the provider's default) up to "
              + (int) MAX_CPUS
              + ", was "
              + spec.cpus());
    }
    if (spec.memoryMb() < 0 || spec.memoryMb() > MAX_MEMORY_MB) {
      return new Violation(
          "compute.memoryMb",
          "compute.memoryMb must be 0 (the provider's default) up to "
              + MAX_MEMORY_MB
              + " (256 GiB), was "
              + spec.memoryMb());
    }
    if (spec.region() != null && spec.region().length() > MAX_NAME_LENGTH) {
      return new Violation(
          "compute.region", "compute.region must be at most " + MAX_NAME_LENGTH + " characters");
    }
    return env(spec.env());
  }

  private static Violation env(Map<String, String> env) {
    if (env.size() > MAX_ENV_VARIABLES) {
      return new Violation(
          "compute.env",
          "compute.env may set at most " + MAX_ENV_VARIABLES + " variables, had " + env.size());
    }
    int bytes = 0;
    for (Map.Entry<String, String> variable : env.entrySet()) {
      if (!ENV_NAME.matcher(variable.getKey()).matches()) {
        return new Violation(
            "compute.env",
            "compute.env has an invalid variable name '" + shortened(variable.getKey()) + "'");
      }
      bytes +=
          variable.getKey().getBytes(StandardCharsets.UTF_8).length
              + (variable.getValue() == null
                  ? 0
                  : variable.getValue().getBytes(StandardCharsets.UTF_8).length);
    }
    if (bytes > MAX_ENV_BYTES) {
      return new Violation(
          "compute.env",
          "compute.env must be at most "
              + MAX_ENV_BYTES
              + " bytes of names and values, was "
              + bytes);
    }
    return null;
  }

  private static Violation timeouts(RunTimeouts timeouts) {
    Violation found = timeout("timeouts.boot", timeouts.boot(), RunTimeouts.MAX_BOOT, "1 day");
    if (found == null) {
      found = timeout("timeouts.run", timeouts.run(), RunTimeouts.MAX_RUN, "7 days");
    }
    if (found == null) {
      found =
          timeout("timeouts.heartbeat", timeouts.heartbeat(), RunTimeouts.MAX_HEARTBEAT, "1 day");
    }
    if (found == null && timeouts.heartbeat().compareTo(timeouts.run()) > 0) {
      found =
          new Violation(
              "timeouts.heartbeat",
              "timeouts.heartbeat ("
                  + timeouts.heartbeat()
                  + ") must not exceed timeouts.run ("
                  + timeouts.run()
                  + ")");
    }
    return found;
  }

  private static Violation timeout(String field, Duration value, Duration max, String inWords) {
    if (value.isZero() || value.isNegative()) {
      return new Violation(field, field + " must be positive, was " + value);
    }
    if (value.compareTo(max) > 0) {
      return new Violation(
          field, field + " must be at most " + max + " (" + inWords + "), was " + value);
    }
    return null;
  }

  private static Violation input(RunRequest request) {
    int bytes = request.input().toString().getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_INPUT_BYTES) {
      return new Violation(
          "input",
          "input must be at most " + MAX_INPUT_BYTES + " bytes of JSON (256 KiB), was " + bytes);
    }
    if (request.mode() == ExecutionMode.CALLBACK) {
      // Callback compute runs its own image: the workload name and input are the image's to read.
      return null;
    }
    try {
      Workload.parse(request.workload(), request.input());
      return null;
    } catch (IllegalArgumentException e) {
      return new Violation(
          e.getMessage().startsWith("unknown workload") ? "workload" : "input", e.getMessage());
    }
  }

  private static String shortened(String value) {
    return value.length() <= 80 ? value : value.substring(0, 80) + "…";
  }
}
