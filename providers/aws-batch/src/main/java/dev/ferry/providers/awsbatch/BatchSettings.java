package dev.ferry.providers.awsbatch;

import dev.ferry.providers.WorkerLockdown;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How the {@code aws-batch} provider reaches AWS and submits jobs, read once from the environment.
 *
 * @param region the AWS region ({@code AWS_REGION}, else {@code AWS_DEFAULT_REGION})
 * @param batchEndpoint endpoint override for Batch; null for AWS's own
 * @param logsEndpoint endpoint override for CloudWatch Logs; null for AWS's own
 * @param jobQueue the queue every job is submitted to
 * @param jobDefinition a job definition to use as it is; null to register one per image
 * @param platform where the jobs run
 * @param executionRoleArn the role ECS uses to pull the image, write logs and read secrets
 * @param jobRoleArn the role the worker itself runs as; null for none
 * @param assignPublicIp whether a Fargate task gets a public IP (needed without a NAT gateway)
 * @param logGroup the CloudWatch Logs group Batch writes the jobs' output to
 * @param secretArns worker variables taken from Secrets Manager or SSM, by name
 * @param credentials static credentials from the environment; null for the default chain
 * @param maxAttempts the SDK's attempts per call ({@code AWS_MAX_ATTEMPTS}); 0 for its default
 * @param exitGrace how long deprovision lets a running job end by itself (the worker exits after
 *     its one task) before it terminates it, which would lose the worker's own exit code
 * @param lockdown the user the worker runs as and its process bound
 */
record BatchSettings(
    String region,
    URI batchEndpoint,
    URI logsEndpoint,
    String jobQueue,
    String jobDefinition,
    Platform platform,
    String executionRoleArn,
    String jobRoleArn,
    boolean assignPublicIp,
    String logGroup,
    Map<String, String> secretArns,
    StaticCredentials credentials,
    int maxAttempts,
    Duration exitGrace,
    WorkerLockdown lockdown) {

  static final String REGION = "AWS_REGION";
  static final String DEFAULT_REGION = "AWS_DEFAULT_REGION";
  static final String ENDPOINT = "AWS_ENDPOINT_URL";
  static final String BATCH_ENDPOINT = "AWS_ENDPOINT_URL_BATCH";
  static final String LOGS_ENDPOINT = "AWS_ENDPOINT_URL_LOGS";
  static final String ACCESS_KEY_ID = "AWS_ACCESS_KEY_ID";
  static final String SECRET_ACCESS_KEY = "AWS_SECRET_ACCESS_KEY";
  static final String SESSION_TOKEN = "AWS_SESSION_TOKEN";
  static final String MAX_ATTEMPTS = "AWS_MAX_ATTEMPTS";
  static final String JOB_QUEUE = "FERRY_BATCH_JOB_QUEUE";
  static final String JOB_DEFINITION = "FERRY_BATCH_JOB_DEFINITION";
  static final String PLATFORM = "FERRY_BATCH_PLATFORM";
  static final String EXECUTION_ROLE = "FERRY_BATCH_EXECUTION_ROLE_ARN";
  static final String JOB_ROLE = "FERRY_BATCH_JOB_ROLE_ARN";
  static final String ASSIGN_PUBLIC_IP = "FERRY_BATCH_ASSIGN_PUBLIC_IP";
  static final String LOG_GROUP = "FERRY_BATCH_LOG_GROUP";
  static final String SECRET_ARNS = "FERRY_BATCH_SECRET_ARNS";
  static final String EXIT_GRACE = "FERRY_BATCH_EXIT_GRACE";
  static final String DEFAULT_LOG_GROUP = "/aws/batch/job";

  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** Where Batch runs the containers. */
  enum Platform {
    EC2,
    FARGATE
  }

  /** Credentials given in the environment itself (as the SDK's environment provider reads them). */
  record StaticCredentials(String accessKeyId, String secretAccessKey, String sessionToken) {
    @Override
    public String toString() {
      return "StaticCredentials[accessKeyId=" + accessKeyId + ", secret hidden]";
    }
  }

  public BatchSettings {
    require(region, REGION + " (or " + DEFAULT_REGION + ") must name the AWS region");
    require(jobQueue, JOB_QUEUE + " must name the Batch job queue (name or ARN)");
    require(logGroup, LOG_GROUP + " must not be blank");
    if (exitGrace == null || exitGrace.isNegative()) {
      throw new IllegalArgumentException(EXIT_GRACE + " must not be negative, was " + exitGrace);
    }
    secretArns = Map.copyOf(secretArns);
    if (lockdown == null) {
      throw new IllegalArgumentException("the worker lockdown must be given");
    }
    // Subnets and security groups belong to the queue's Fargate compute environment, not to the
    // job: what a Fargate job definition needs is the execution role (and a public IP choice).
    if (platform == Platform.FARGATE && jobDefinition == null && executionRoleArn == null) {
      throw new IllegalArgumentException(
          PLATFORM
              + "=FARGATE needs "
              + EXECUTION_ROLE
              + " (the role that pulls the image and writes the logs), or a "
              + JOB_DEFINITION
              + " made for Fargate");
    }
    if (!secretArns.isEmpty() && executionRoleArn == null && jobDefinition == null) {
      throw new IllegalArgumentException(
          SECRET_ARNS
              + " needs "
              + EXECUTION_ROLE
              + ": ECS reads the secrets with the execution role");
    }
  }

  /**
   * Reads the settings from the environment.
   *
   * @throws IllegalArgumentException naming the missing or bad variable
   */
  static BatchSettings fromEnv(Map<String, String> env) {
    String region = value(env, REGION).or(() -> value(env, DEFAULT_REGION)).orElse(null);
    Optional<URI> shared = value(env, ENDPOINT).map(v -> uri(ENDPOINT, v));
    return new BatchSettings(
        region,
        value(env, BATCH_ENDPOINT).map(v -> uri(BATCH_ENDPOINT, v)).or(() -> shared).orElse(null),
        value(env, LOGS_ENDPOINT).map(v -> uri(LOGS_ENDPOINT, v)).or(() -> shared).orElse(null),
        value(env, JOB_QUEUE).orElse(null),
        value(env, JOB_DEFINITION).orElse(null),
        value(env, PLATFORM).map(BatchSettings::platform).orElse(Platform.EC2),
        value(env, EXECUTION_ROLE).map(v -> arn(EXECUTION_ROLE, v)).orElse(null),
        value(env, JOB_ROLE).map(v -> arn(JOB_ROLE, v)).orElse(null),
        value(env, ASSIGN_PUBLIC_IP).map(BatchSettings::yesNo).orElse(false),
        value(env, LOG_GROUP).orElse(DEFAULT_LOG_GROUP),
        secretArns(value(env, SECRET_ARNS).orElse("")),
        credentials(env),
        value(env, MAX_ATTEMPTS).map(BatchSettings::attempts).orElse(0),
        value(env, EXIT_GRACE).map(BatchSettings::duration).orElse(Duration.ofSeconds(15)),
        WorkerLockdown.fromEnv(env));
  }

  private static Platform platform(String value) {
    try {
      return Platform.valueOf(value.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          PLATFORM + " must be EC2 or FARGATE, was '" + value + "'", e);
    }
  }

  private static boolean yesNo(String value) {
    return switch (value.toLowerCase(java.util.Locale.ROOT)) {
      case "true", "enabled", "yes", "1" -> true;
      case "false", "disabled", "no", "0" -> false;
      default ->
          throw new IllegalArgumentException(
              ASSIGN_PUBLIC_IP + " must be ENABLED or DISABLED, was '" + value + "'");
    };
  }

  private static Duration duration(String value) {
    try {
      return Duration.parse(value);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          EXIT_GRACE + " must be an ISO-8601 duration like PT15S, was '" + value + "'", e);
    }
  }

  private static int attempts(String value) {
    try {
      int attempts = Integer.parseInt(value);
      if (attempts >= 1) {
        return attempts;
      }
    } catch (NumberFormatException e) {
      // Reported below.
    }
    throw new IllegalArgumentException(
        MAX_ATTEMPTS + " must be a whole number of at least 1, was '" + value + "'");
  }

  /** {@code NAME=arn:...,NAME2=arn:...}, as the job definition's {@code secrets} take them. */
  static Map<String, String> secretArns(String value) {
    Map<String, String> secrets = new LinkedHashMap<>();
    for (String entry : value.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      int eq = entry.indexOf('=');
      String name = eq < 0 ? "" : entry.substring(0, eq).strip();
      String arn = eq < 0 ? "" : entry.substring(eq + 1).strip();
      if (!ENV_NAME.matcher(name).matches() || !arn.startsWith("arn:")) {
        throw new IllegalArgumentException(
            SECRET_ARNS
                + " must be NAME=arn:...[,NAME=arn:...] (a Secrets Manager or SSM parameter ARN),"
                + " was '"
                + entry.strip()
                + "'");
      }
      secrets.put(name, arn);
    }
    return secrets;
  }

  private static StaticCredentials credentials(Map<String, String> env) {
    Optional<String> id = value(env, ACCESS_KEY_ID);
    Optional<String> secret = value(env, SECRET_ACCESS_KEY);
    if (id.isEmpty() && secret.isEmpty()) {
      return null;
    }
    if (id.isEmpty() || secret.isEmpty()) {
      throw new IllegalArgumentException(
          (id.isEmpty() ? ACCESS_KEY_ID : SECRET_ACCESS_KEY)
              + " must be set along with "
              + (id.isEmpty() ? SECRET_ACCESS_KEY : ACCESS_KEY_ID));
    }
    return new StaticCredentials(id.get(), secret.get(), value(env, SESSION_TOKEN).orElse(null));
  }

  private static URI uri(String variable, String value) {
    try {
      URI uri = new URI(value);
      if (uri.getScheme() == null
          || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
          || uri.getHost() == null) {
        throw new IllegalArgumentException(
            variable + " must be an http(s) URL like http://127.0.0.1:5000, was '" + value + "'");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          variable + " must be an http(s) URL like http://127.0.0.1:5000, was '" + value + "'", e);
    }
  }

  private static String arn(String variable, String value) {
    if (!value.startsWith("arn:")) {
      throw new IllegalArgumentException(variable + " must be an ARN, was '" + value + "'");
    }
    return value;
  }

  private static Optional<String> value(Map<String, String> env, String variable) {
    return Optional.ofNullable(env.get(variable)).map(String::strip).filter(v -> !v.isEmpty());
  }

  private static void require(String value, String message) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(message);
    }
  }
}
