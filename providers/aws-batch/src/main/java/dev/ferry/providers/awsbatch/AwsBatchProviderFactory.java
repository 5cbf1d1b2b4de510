package dev.ferry.providers.awsbatch;

import dev.ferry.providers.ComputeProvider;
import dev.ferry.providers.ComputeProviderFactory;
import dev.ferry.providers.ProviderException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.JobQueueDetail;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;

/**
 * Configures the {@code aws-batch} provider from the environment (see {@link BatchSettings}) and
 * checks, before any run, that the job queue (and a configured job definition) exist.
 */
public final class AwsBatchProviderFactory implements ComputeProviderFactory {

  static final String TEMPORAL_API_KEY = "TEMPORAL_API_KEY";
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(60);
  private static final Logger log = LoggerFactory.getLogger(AwsBatchProviderFactory.class);

  @Override
  public String id() {
    return AwsBatchComputeProvider.ID;
  }

  @Override
  public ComputeProvider create(Map<String, String> env) {
    BatchSettings settings = BatchSettings.fromEnv(env);
    BatchClient batch = batchClient(settings);
    CloudWatchLogsClient logs = logsClient(settings);
    try {
      requireQueue(batch, settings);
      requireDefinition(batch, settings);
    } catch (RuntimeException e) {
      batch.close();
      logs.close();
      throw e;
    }
    warnAboutPlainSecrets(env, settings);
    return new AwsBatchComputeProvider(batch, logs, settings);
  }

  /** The API key would be readable by anyone allowed batch:DescribeJobs; say so once. */
  static boolean warnAboutPlainSecrets(Map<String, String> env, BatchSettings settings) {
    String key = env.get(TEMPORAL_API_KEY);
    if (key == null || key.isBlank() || settings.secretArns().containsKey(TEMPORAL_API_KEY)) {
      return false;
    }
    log.warn(
        "{} will travel to every Batch job as a plain containerOverrides variable, readable by"
            + " anyone allowed batch:DescribeJobs; set {}={}=arn:... (a Secrets Manager secret or"
            + " SSM parameter) to have Batch inject it instead",
        TEMPORAL_API_KEY,
        BatchSettings.SECRET_ARNS,
        TEMPORAL_API_KEY);
    return true;
  }

  private static void requireQueue(BatchClient batch, BatchSettings settings) {
    List<JobQueueDetail> queues;
    try {
      queues = batch.describeJobQueues(r -> r.jobQueues(settings.jobQueue())).jobQueues();
    } catch (RuntimeException e) {
      throw unusable("checking job queue " + settings.jobQueue(), e);
    }
    if (queues.isEmpty()) {
      throw new IllegalArgumentException(
          BatchSettings.JOB_QUEUE
              + "="
              + settings.jobQueue()
              + ": no such Batch job queue in "
              + settings.region());
    }
    JobQueueDetail queue = queues.get(0);
    if (!"ENABLED".equals(queue.stateAsString())) {
      log.warn(
          "Batch job queue {} is {}: jobs will wait in it until it is enabled",
          settings.jobQueue(),
          queue.stateAsString());
    }
  }

  private static void requireDefinition(BatchClient batch, BatchSettings settings) {
    String definition = settings.jobDefinition();
    if (definition == null) {
      return;
    }
    boolean found;
    try {
      found =
          batch
              .describeJobDefinitions(r -> r.jobDefinitions(definition).status("ACTIVE"))
              .jobDefinitions()
              .stream()
              .findAny()
              .isPresent();
      if (!found && !definition.contains(":")) {
        found =
            !batch
                .describeJobDefinitions(r -> r.jobDefinitionName(definition).status("ACTIVE"))
                .jobDefinitions()
                .isEmpty();
      }
    } catch (RuntimeException e) {
      throw unusable("checking job definition " + definition, e);
    }
    if (!found) {
      throw new IllegalArgumentException(
          BatchSettings.JOB_DEFINITION
              + "="
              + definition
              + ": no such ACTIVE Batch job definition in "
              + settings.region());
    }
  }

  /**
   * A check that failed: AWS out of reach or throttling (worth retrying) as it is, anything else as
   * a configuration error.
   */
  private static RuntimeException unusable(String action, RuntimeException e) {
    RuntimeException neutral = BatchErrors.translate(action, e);
    if (neutral instanceof ProviderException.Unavailable
        || neutral instanceof ProviderException.RateLimited) {
      return neutral;
    }
    return new IllegalArgumentException(
        "AWS Batch is not usable with these settings (" + neutral.getMessage() + ")", e);
  }

  static BatchClient batchClient(BatchSettings settings) {
    var builder =
        BatchClient.builder()
            .region(Region.of(settings.region()))
            .credentialsProvider(credentials(settings))
            .httpClient(http())
            .overrideConfiguration(override(settings));
    if (settings.batchEndpoint() != null) {
      builder
          .endpointOverride(settings.batchEndpoint())
          .overrideConfiguration(
              override(settings).toBuilder().addExecutionInterceptor(new WholeNumbers()).build());
    }
    return builder.build();
  }

  static CloudWatchLogsClient logsClient(BatchSettings settings) {
    var builder =
        CloudWatchLogsClient.builder()
            .region(Region.of(settings.region()))
            .credentialsProvider(credentials(settings))
            .httpClient(http())
            .overrideConfiguration(override(settings));
    if (settings.logsEndpoint() != null) {
      builder
          .endpointOverride(settings.logsEndpoint())
          .overrideConfiguration(
              override(settings).toBuilder().addExecutionInterceptor(new WholeNumbers()).build());
    }
    return builder.build();
  }

  private static SdkHttpClient http() {
    return UrlConnectionHttpClient.builder()
        .connectionTimeout(CONNECT_TIMEOUT)
        .socketTimeout(SOCKET_TIMEOUT)
        .build();
  }

  private static ClientOverrideConfiguration override(BatchSettings settings) {
    var override = ClientOverrideConfiguration.builder();
    if (settings.maxAttempts() > 0) {
      override.retryStrategy(
          AwsRetryStrategy.standardRetryStrategy().toBuilder()
              .maxAttempts(settings.maxAttempts())
              .build());
    }
    return override.build();
  }

  private static AwsCredentialsProvider credentials(BatchSettings settings) {
    BatchSettings.StaticCredentials given = settings.credentials();
    if (given == null) {
      return DefaultCredentialsProvider.builder().build();
    }
    return StaticCredentialsProvider.create(
        given.sessionToken() == null
            ? AwsBasicCredentials.create(given.accessKeyId(), given.secretAccessKey())
            : AwsSessionCredentials.create(
                given.accessKeyId(), given.secretAccessKey(), given.sessionToken()));
  }
}
