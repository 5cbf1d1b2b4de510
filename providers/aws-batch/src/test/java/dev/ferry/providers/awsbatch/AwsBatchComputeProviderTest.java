package dev.ferry.providers.awsbatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.api.ComputeHandle;
import dev.ferry.api.ComputeSpec;
import dev.ferry.api.ComputeState;
import dev.ferry.api.Labels;
import dev.ferry.api.ProvisionRequest;
import dev.ferry.api.RunTimeouts;
import dev.ferry.api.TeardownReceipt;
import dev.ferry.providers.ComputeProvider;
import dev.ferry.providers.ComputeProviderContract;
import dev.ferry.providers.LabelSelector;
import dev.ferry.providers.ProviderException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.KeyValuePair;
import software.amazon.awssdk.services.batch.model.Secret;

/** The provider contract and Batch's own behaviour, against moto running jobs in Docker. */
class AwsBatchComputeProviderTest extends ComputeProviderContract {

  static final String TEST_IMAGE = "ferry-batch-test:local";

  /**
   * Boots, prints its queue, then exits with $EXIT_NOW if set, exits 0 after $EXIT_AFTER seconds if
   * set, or stays up for five minutes.
   */
  static final String TEST_SCRIPT =
      "echo booted queue=$FERRY_TASK_QUEUE; "
          + "if [ -n \"$EXIT_NOW\" ]; then echo exiting with $EXIT_NOW; exit $EXIT_NOW; fi; "
          + "if [ -n \"$EXIT_AFTER\" ]; then sleep $EXIT_AFTER; echo done; exit 0; fi; "
          + "sleep 300";

  private static AwsBatchComputeProvider provider;
  private static boolean imageBuilt;

  @BeforeEach
  void requireMotoAndImage() {
    provider();
    synchronized (AwsBatchComputeProviderTest.class) {
      if (!imageBuilt) {
        String cmd = TEST_SCRIPT.replace("\\", "\\\\").replace("\"", "\\\"");
        MotoServer.buildImage(
            TEST_IMAGE,
            "FROM " + MotoServer.BASE_IMAGE + "\nCMD [\"sh\", \"-c\", \"" + cmd + "\"]\n",
            Path.of("target"));
        imageBuilt = true;
      }
    }
  }

  @AfterAll
  static void noJobContainerIsLeft() throws InterruptedException {
    if (provider == null) {
      return;
    }
    String left = "";
    for (int i = 0; i < 20; i++) {
      left =
          MotoServer.run(
                  List.of("docker", "ps", "-aq", "--filter", "ancestor=" + TEST_IMAGE),
                  null,
                  Duration.ofSeconds(30),
                  "docker ps")
              .strip();
      if (left.isEmpty()) {
        break;
      }
      Thread.sleep(500);
    }
    assertThat(left).as("containers moto left running").isEmpty();
  }

  @Override
  protected synchronized ComputeProvider provider() {
    if (provider == null) {
      provider = (AwsBatchComputeProvider) new AwsBatchProviderFactory().create(env());
    }
    return provider;
  }

  /** moto's settings; the test jobs never end by themselves, so teardown need not wait for it. */
  private static Map<String, String> env() {
    Map<String, String> env = MotoServer.get().env();
    env.put("FERRY_BATCH_EXIT_GRACE", "PT0S");
    return env;
  }

  @Override
  protected ComputeSpec longRunningSpec() {
    return new ComputeSpec(null, TEST_IMAGE, 1, 256, null, Map.of("FERRY_TASK_QUEUE", "q-test"));
  }

  @Override
  protected Duration bootTime() {
    return Duration.ofSeconds(60);
  }

  @Test
  void seesAJobThatExitsAtOnceAndKeepsItsExitCodeAndLogs() throws InterruptedException {
    ComputeHandle handle =
        provision(request("exits", "wf-exit").withSpec(envPlus("EXIT_NOW", "3")));

    assertThat(awaitState(handle, ComputeState.Exited.class)).isEqualTo(new ComputeState.Exited(3));
    TeardownReceipt receipt = provider().deprovision(handle);

    assertThat(receipt.found()).isTrue();
    assertThat(receipt.exitCode()).isEqualTo(3);
    assertThat(receipt.resourceId()).isEqualTo(handle.resourceId());
    assertThat(receipt.logTail()).containsExactly("booted queue=q-test", "exiting with 3");
    assertThat(receipt.detail())
        .contains("FAILED")
        .contains("exit code 3")
        .contains("log stream /aws/batch/job ");
  }

  @Test
  void passesEnvironmentTagsAndTheHardLifetime() throws InterruptedException {
    ProvisionRequest request =
        withTimeouts(
            request("env", "wf-env"),
            new RunTimeouts(Duration.ofMinutes(2), Duration.ofMinutes(10), null));
    ComputeHandle handle = provision(request);

    JobDetail job = job(handle);
    assertThat(job.tags())
        .containsEntry(Labels.MANAGED, "true")
        .containsEntry(Labels.WORKFLOW_ID, "wf-env")
        .containsKey(AwsBatchComputeProvider.BOOT_DEADLINE);
    assertThat(job.timeout().attemptDurationSeconds()).isEqualTo(12 * 60);
    assertThat(awaitState(handle, ComputeState.Running.class))
        .isInstanceOf(ComputeState.Running.class);
    TeardownReceipt receipt = provider().deprovision(handle);
    assertThat(receipt.logTail()).containsExactly("booted queue=q-test");
    assertThat(receipt.exitCode()).isEqualTo(137);
    assertThat(receipt.detail()).contains("Ferry deprovisioned " + handle.name());
  }

  @Test
  void letsARunningJobEndByItselfBeforeTerminatingIt() throws Exception {
    Map<String, String> env = env();
    env.put("FERRY_BATCH_EXIT_GRACE", "PT30S");
    ComputeHandle handle =
        provision(request("grace", "wf-grace").withSpec(envPlus("EXIT_AFTER", "3")));
    assertThat(awaitState(handle, ComputeState.Running.class))
        .isInstanceOf(ComputeState.Running.class);

    try (var patient = (AwsBatchComputeProvider) new AwsBatchProviderFactory().create(env)) {
      TeardownReceipt receipt = patient.deprovision(handle);

      assertThat(receipt.exitCode()).isZero();
      assertThat(receipt.logTail()).containsExactly("booted queue=q-test", "done");
      assertThat(receipt.detail()).startsWith("Batch job " + handle.resourceId() + " SUCCEEDED");
    }
  }

  @Test
  void takesTheApiKeyFromTheSecretsNotAsAPlainOverride() throws Exception {
    String arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:ferry-temporal-key";
    Map<String, String> env = env();
    env.put("FERRY_BATCH_EXECUTION_ROLE_ARN", "arn:aws:iam::123456789012:role/ferry-exec");
    env.put("FERRY_BATCH_SECRET_ARNS", "TEMPORAL_API_KEY=" + arn);

    try (var withSecrets = (AwsBatchComputeProvider) new AwsBatchProviderFactory().create(env)) {
      ComputeHandle handle =
          withSecrets.provision(
              request("secret", "wf-secret").withSpec(envPlus("TEMPORAL_API_KEY", "plain-key")));
      try {
        JobDetail job = job(handle);
        assertThat(job.container().environment())
            .extracting(KeyValuePair::name)
            .contains("FERRY_TASK_QUEUE")
            .doesNotContain("TEMPORAL_API_KEY");
        try (BatchClient batch = MotoServer.get().batch()) {
          var definition =
              batch
                  .describeJobDefinitions(r -> r.jobDefinitions(job.jobDefinition()))
                  .jobDefinitions()
                  .get(0);
          assertThat(definition.containerProperties().secrets())
              .containsExactly(Secret.builder().name("TEMPORAL_API_KEY").valueFrom(arn).build());
          assertThat(definition.containerProperties().executionRoleArn())
              .isEqualTo("arn:aws:iam::123456789012:role/ferry-exec");
        }
      } finally {
        withSecrets.deprovision(handle);
      }
    }
  }

  @Test
  void registersOneJobDefinitionPerImageAndResourcesAndReusesIt() {
    ComputeHandle one = provision(request("def1", "wf-def"));
    ComputeHandle two = provision(request("def2", "wf-def"));
    ComputeHandle bigger =
        provision(
            request("def3", "wf-def")
                .withSpec(new ComputeSpec("aws-batch", TEST_IMAGE, 2, 512, null, Map.of())));

    assertThat(job(one).jobDefinition()).isEqualTo(job(two).jobDefinition());
    assertThat(job(one).jobDefinition()).contains(JobDefinitions.NAME_PREFIX);
    assertThat(job(bigger).jobDefinition()).isNotEqualTo(job(one).jobDefinition());
    try (var restarted = (AwsBatchComputeProvider) new AwsBatchProviderFactory().create(env())) {
      ComputeHandle again = restarted.provision(request("def4", "wf-def"));
      provisioned(again);
      assertThat(job(again).jobDefinition()).isEqualTo(job(one).jobDefinition());
    }
  }

  @Test
  void aRestartedProviderAdoptsTheLiveJobInsteadOfSubmittingAnother() throws Exception {
    ProvisionRequest request = request("adopt", "wf-adopt");
    ComputeHandle handle = provision(request);

    try (var restarted = (AwsBatchComputeProvider) new AwsBatchProviderFactory().create(env())) {
      ComputeHandle adopted = restarted.provision(request);
      assertThat(adopted).isEqualTo(handle);
      assertThat(restarted.describe(ComputeHandle.named("aws-batch", handle.name())))
          .isNotInstanceOf(ComputeState.Gone.class);
    }
    assertThat(provider().list(LabelSelector.managed().and(Labels.WORKFLOW_ID, "wf-adopt")))
        .containsExactly(handle);
  }

  @Test
  void anImageThatCannotBeRunIsABootFailureWithTheReason() throws InterruptedException {
    ComputeHandle handle =
        provision(
            request("noimage", "wf-noimage")
                .withSpec(
                    longRunningSpec()
                        .withImage("ferry-no-such-image:1")
                        .withProvider("aws-batch")));

    ComputeState state = awaitState(handle, ComputeState.Failed.class);

    // moto gives no reason; Batch says CannotPullContainerError: ..., which the state carries.
    assertThat(state).isInstanceOf(ComputeState.Failed.class);
    assertThat(((ComputeState.Failed) state).reason()).contains("image");
  }

  @Test
  void rejectsAnUnknownQueueAtStartUpNamingTheVariable() {
    Map<String, String> env = MotoServer.get().env();
    env.put("FERRY_BATCH_JOB_QUEUE", "ferry-no-such-queue");

    assertThatThrownBy(() -> new AwsBatchProviderFactory().create(env))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("FERRY_BATCH_JOB_QUEUE=ferry-no-such-queue");
  }

  @Test
  void rejectsAnUnknownJobDefinitionAtStartUpNamingTheVariable() {
    Map<String, String> env = MotoServer.get().env();
    env.put("FERRY_BATCH_JOB_DEFINITION", "ferry-no-such-definition");

    assertThatThrownBy(() -> new AwsBatchProviderFactory().create(env))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("FERRY_BATCH_JOB_DEFINITION=ferry-no-such-definition");
  }

  @Test
  void rejectsResourcesOutsideBatchLimitsBeforeSubmitting() {
    ComputeSpec spec = new ComputeSpec("aws-batch", TEST_IMAGE, 0.5, 0, null, Map.of());

    assertThatThrownBy(() -> provision(request("half", "wf-half").withSpec(spec)))
        .isInstanceOf(ProviderException.InvalidSpec.class)
        .hasMessageContaining("compute.cpus");
    assertThat(provider().list(LabelSelector.managed().and(Labels.WORKFLOW_ID, "wf-half")))
        .isEmpty();
  }

  private void provisioned(ComputeHandle handle) {
    // Registered with the contract's clean-up by provisioning again: get-or-create adopts it.
    provision(
        new ProvisionRequest(
            handle.name(), "q", longRunningSpec().withProvider("aws-batch"), Map.of(), null));
  }

  private static JobDetail job(ComputeHandle handle) {
    try (BatchClient batch = MotoServer.get().batch()) {
      return batch.describeJobs(r -> r.jobs(handle.resourceId())).jobs().get(0);
    }
  }

  private static ProvisionRequest withTimeouts(ProvisionRequest request, RunTimeouts timeouts) {
    return new ProvisionRequest(
        request.name(),
        request.taskQueue(),
        request.spec(),
        request.labels(),
        request.leaseExpiresAt(),
        timeouts);
  }

  private ComputeSpec envPlus(String key, String value) {
    Map<String, String> env = new HashMap<>(longRunningSpec().env());
    env.put(key, value);
    return longRunningSpec().withEnv(env).withProvider("aws-batch");
  }
}
