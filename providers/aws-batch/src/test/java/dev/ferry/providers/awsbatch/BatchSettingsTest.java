package dev.ferry.providers.awsbatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.providers.awsbatch.BatchSettings.Platform;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchSettingsTest {

  private static Map<String, String> minimal() {
    Map<String, String> env = new HashMap<>();
    env.put("AWS_REGION", "eu-west-1");
    env.put("FERRY_BATCH_JOB_QUEUE", "ferry-queue");
    return env;
  }

  @Test
  void readsTheMinimalSettingsWithDefaults() {
    BatchSettings settings = BatchSettings.fromEnv(minimal());

    assertThat(settings.region()).isEqualTo("eu-west-1");
    assertThat(settings.jobQueue()).isEqualTo("ferry-queue");
    assertThat(settings.jobDefinition()).isNull();
    assertThat(settings.platform()).isEqualTo(Platform.EC2);
    assertThat(settings.logGroup()).isEqualTo("/aws/batch/job");
    assertThat(settings.batchEndpoint()).isNull();
    assertThat(settings.credentials()).isNull();
    assertThat(settings.secretArns()).isEmpty();
  }

  @Test
  void namesAMissingQueue() {
    Map<String, String> env = minimal();
    env.remove("FERRY_BATCH_JOB_QUEUE");

    assertThatThrownBy(() -> BatchSettings.fromEnv(env))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("FERRY_BATCH_JOB_QUEUE");
  }

  @Test
  void namesAMissingRegionAndAcceptsTheDefaultRegionVariable() {
    Map<String, String> env = minimal();
    env.remove("AWS_REGION");

    assertThatThrownBy(() -> BatchSettings.fromEnv(env))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("AWS_REGION");
    env.put("AWS_DEFAULT_REGION", "us-east-2");
    assertThat(BatchSettings.fromEnv(env).region()).isEqualTo("us-east-2");
  }

  @Test
  void namesABadPlatform() {
    Map<String, String> env = minimal();
    env.put("FERRY_BATCH_PLATFORM", "LAMBDA");

    assertThatThrownBy(() -> BatchSettings.fromEnv(env))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("FERRY_BATCH_PLATFORM must be EC2 or FARGATE, was 'LAMBDA'");
  }

  @Test
  void fargateNeedsItsExecutionRole() {
    Map<String, String> env = minimal();
    env.put("FERRY_BATCH_PLATFORM", "fargate");

    assertThatThrownBy(() -> BatchSettings.fromEnv(env))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("FERRY_BATCH_EXECUTION_ROLE_ARN");
    env.put("FERRY_BATCH_EXECUTION_ROLE_ARN", "arn:aws:iam::123456789012:role/ferry-exec");
    env.put("FERRY_BATCH_ASSIGN_PUBLIC_IP", "ENABLED");
    BatchSettings settings = BatchSettings.fromEnv(env);
    assertThat(settings.platform()).isEqualTo(Platform.FARGATE);
    assertThat(settings.assignPublicIp()).isTrue();
  }

  @Test
  void fargateWithItsOwnJobDefinitionNeedsNoRole() {
    Map<String, String> env = minimal();
    env.put("FERRY_BATCH_PLATFORM", "FARGATE");
    env.put("FERRY_BATCH_JOB_DEFINITION", "ferry-fargate:3");

    assertThat(BatchSettings.fromEnv(env).jobDefinition()).isEqualTo("ferry-fargate:3");
  }

  @Test
  void namesABadPublicIpChoiceAndABadRole() {
    Map<String, String> env = minimal();
    env.put("FERRY_BATCH_ASSIGN_PUBLIC_IP", "maybe");
    assertThatThrownBy(() -> BatchSettings.fromEnv(env))
        .hasMessageContaining("FERRY_BATCH_ASSIGN_PUBLIC_IP");
    env.remove("FERRY_BATCH_ASSIGN_PUBLIC_IP");
    env.put("FERRY_BATCH_JOB_ROLE_ARN", "ferry-role");
    assertThatThrownBy(() -> BatchSettings.fromEnv(env))
        .hasMessageContaining("FERRY_BATCH_JOB_ROLE_ARN must be an ARN");
  }

  @Test
  void takesTheServiceEndpointOverTheSharedOne() {
    Map<String, String> env = minimal();
    env.put("AWS_ENDPOINT_URL", "http://127.0.0.1:5000");
    env.put("AWS_ENDPOINT_URL_LOGS", "http://127.0.0.1:5001");

    BatchSettings settings = BatchSettings.fromEnv(env);

    assertThat(settings.batchEndpoint()).isEqualTo(URI.create("http://127.0.0.1:5000"));
    assertThat(settings.logsEndpoint()).isEqualTo(URI.create("http://127.0.0.1:5001"));
  }

  @Test
  void namesABadEndpoint() {
    Map<String, String> env = minimal();
    env.put("AWS_ENDPOINT_URL_BATCH", "127.0.0.1:5000");

    assertThatThrownBy(() -> BatchSettings.fromEnv(env))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("AWS_ENDPOINT_URL_BATCH must be an http(s) URL");
  }

  @Test
  void readsSecretArnsAndNeedsTheExecutionRoleForThem() {
    Map<String, String> env = minimal();
    env.put(
        "FERRY_BATCH_SECRET_ARNS",
        "TEMPORAL_API_KEY=arn:aws:secretsmanager:eu-west-1:123456789012:secret:temporal-key,"
            + " OTHER=arn:aws:ssm:eu-west-1:123456789012:parameter/other");

    assertThatThrownBy(() -> BatchSettings.fromEnv(env))
        .hasMessageContaining("FERRY_BATCH_SECRET_ARNS needs FERRY_BATCH_EXECUTION_ROLE_ARN");
    env.put("FERRY_BATCH_EXECUTION_ROLE_ARN", "arn:aws:iam::123456789012:role/ferry-exec");
    assertThat(BatchSettings.fromEnv(env).secretArns())
        .containsEntry(
            "TEMPORAL_API_KEY", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:temporal-key")
        .containsEntry("OTHER", "arn:aws:ssm:eu-west-1:123456789012:parameter/other");
  }

  @Test
  void namesABadSecretEntry() {
    assertThatThrownBy(() -> BatchSettings.secretArns("TEMPORAL_API_KEY=plain-value"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("FERRY_BATCH_SECRET_ARNS must be NAME=arn:")
        .hasMessageContaining("TEMPORAL_API_KEY=plain-value");
  }

  @Test
  void credentialsComeInPairsAndHideTheSecret() {
    Map<String, String> env = minimal();
    env.put("AWS_ACCESS_KEY_ID", "testing");
    assertThatThrownBy(() -> BatchSettings.fromEnv(env))
        .hasMessageContaining("AWS_SECRET_ACCESS_KEY must be set along with AWS_ACCESS_KEY_ID");
    env.put("AWS_SECRET_ACCESS_KEY", "s3cr3t");
    assertThat(BatchSettings.fromEnv(env).toString()).doesNotContain("s3cr3t");
  }

  @Test
  void namesBadMaxAttempts() {
    Map<String, String> env = minimal();
    env.put("AWS_MAX_ATTEMPTS", "0");
    assertThatThrownBy(() -> BatchSettings.fromEnv(env)).hasMessageContaining("AWS_MAX_ATTEMPTS");
    env.put("AWS_MAX_ATTEMPTS", "2");
    assertThat(BatchSettings.fromEnv(env).maxAttempts()).isEqualTo(2);
  }

  @Test
  void readsTheExitGrace() {
    Map<String, String> env = minimal();
    assertThat(BatchSettings.fromEnv(env).exitGrace()).isEqualTo(java.time.Duration.ofSeconds(15));
    env.put("FERRY_BATCH_EXIT_GRACE", "PT1M");
    assertThat(BatchSettings.fromEnv(env).exitGrace()).isEqualTo(java.time.Duration.ofMinutes(1));
    env.put("FERRY_BATCH_EXIT_GRACE", "15s");
    assertThatThrownBy(() -> BatchSettings.fromEnv(env))
        .hasMessageContaining("FERRY_BATCH_EXIT_GRACE must be an ISO-8601 duration");
  }

  @Test
  void warnsWhenTheApiKeyWouldTravelPlain() {
    Map<String, String> env = minimal();
    env.put("TEMPORAL_API_KEY", "key");
    assertThat(AwsBatchProviderFactory.warnAboutPlainSecrets(env, BatchSettings.fromEnv(env)))
        .isTrue();

    env.put("FERRY_BATCH_EXECUTION_ROLE_ARN", "arn:aws:iam::123456789012:role/ferry-exec");
    env.put("FERRY_BATCH_SECRET_ARNS", "TEMPORAL_API_KEY=arn:aws:ssm:eu-west-1:1:parameter/k");
    assertThat(AwsBatchProviderFactory.warnAboutPlainSecrets(env, BatchSettings.fromEnv(env)))
        .isFalse();
  }
}
