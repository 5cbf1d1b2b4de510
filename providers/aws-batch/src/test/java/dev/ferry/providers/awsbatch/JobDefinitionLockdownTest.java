package dev.ferry.providers.awsbatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.ContainerProperties;
import software.amazon.awssdk.services.batch.model.JobDefinitionType;
import software.amazon.awssdk.services.batch.model.PlatformCapability;
import software.amazon.awssdk.services.batch.model.ResourceRequirement;
import software.amazon.awssdk.services.batch.model.ResourceType;
import software.amazon.awssdk.services.batch.model.Tmpfs;
import software.amazon.awssdk.services.batch.model.Ulimit;

/**
 * The job definition Ferry registers is locked down as far as its platform allows, as moto keeps it
 * and DescribeJobDefinitions gives it back (moto stores every container property it is sent; it
 * applies none of them to the container it runs, so what a job may do is not checked here).
 */
class JobDefinitionLockdownTest {

  /** Unique per run: moto lives as long as the test JVM and other tests register definitions. */
  private final String image = "ferry-lockdown-" + UUID.randomUUID() + ":1";

  @Test
  void anEc2DefinitionIsUnprivilegedNonRootReadOnlyWithATmpfsAnInitAndAProcessBound() {
    ContainerProperties container = registered(MotoServer.get().env(), 512);

    assertThat(container.privileged()).isFalse();
    assertThat(container.user()).isEqualTo("10001:10001");
    assertThat(container.readonlyRootFilesystem()).isTrue();
    assertThat(container.linuxParameters().initProcessEnabled()).isTrue();
    assertThat(container.linuxParameters().tmpfs())
        .containsExactly(
            Tmpfs.builder()
                .containerPath("/tmp")
                .size(512)
                .mountOptions("rw", "exec", "nosuid", "nodev")
                .build());
    assertThat(container.linuxParameters().devices()).isEmpty();
    assertThat(container.ulimits())
        .containsExactly(
            Ulimit.builder()
                .name("nproc")
                .softLimit(JobDefinitions.NPROC_LIMIT)
                .hardLimit(JobDefinitions.NPROC_LIMIT)
                .build());
  }

  @Test
  void aFargateDefinitionGetsWhatFargateTakesAndNoTmpfsOrUlimits() {
    Map<String, String> env = MotoServer.get().env();
    env.put("FERRY_BATCH_PLATFORM", "FARGATE");
    env.put("FERRY_BATCH_EXECUTION_ROLE_ARN", "arn:aws:iam::123456789012:role/ferry-exec");

    ContainerProperties container = registered(env, 2048);

    assertThat(container.privileged()).isFalse();
    assertThat(container.user()).isEqualTo("10001:10001");
    assertThat(container.linuxParameters().initProcessEnabled()).isTrue();
    assertThat(container.linuxParameters().tmpfs()).isEmpty();
    assertThat(container.ulimits()).isEmpty();
    // Without a tmpfs a read-only root would leave the worker no /tmp.
    assertThat(container.readonlyRootFilesystem()).isFalse();
  }

  @Test
  void theConfiguredUserIsTheDefinitionsAndGivesItAnotherName() {
    Map<String, String> env = MotoServer.get().env();
    env.put("FERRY_WORKER_USER", "2000:2000");

    assertThat(registered(env, 512).user()).isEqualTo("2000:2000");
    JobResources resources = new JobResources("1", 512);
    assertThat(definitions(env).name(image, resources))
        .isNotEqualTo(definitions(MotoServer.get().env()).name(image, resources));
  }

  /**
   * A definition registered before the lockdown, under the name Ferry then gave it, is left alone:
   * the locked-down definition has another name.
   */
  @Test
  void aLooserDefinitionRegisteredBeforeTheLockdownIsNotReused() throws Exception {
    JobResources resources = new JobResources("1", 512);
    String before =
        JobDefinitions.NAME_PREFIX
            + sha256(
                    String.join(
                        "\n",
                        image,
                        resources.vcpus(),
                        String.valueOf(resources.memoryMb()),
                        "EC2",
                        "null",
                        "null",
                        "false",
                        "{}"))
                .substring(0, 20);
    String loose;
    try (BatchClient batch = MotoServer.get().batch()) {
      loose =
          batch
              .registerJobDefinition(
                  r ->
                      r.jobDefinitionName(before)
                          .type(JobDefinitionType.CONTAINER)
                          .platformCapabilities(PlatformCapability.EC2)
                          .containerProperties(
                              c ->
                                  c.image(image)
                                      .resourceRequirements(
                                          ResourceRequirement.builder()
                                              .type(ResourceType.VCPU)
                                              .value(resources.vcpus())
                                              .build(),
                                          ResourceRequirement.builder()
                                              .type(ResourceType.MEMORY)
                                              .value(String.valueOf(resources.memoryMb()))
                                              .build())))
              .jobDefinitionArn();
    }

    String used = definitions(MotoServer.get().env()).forImage(image, resources);

    assertThat(used).isNotEqualTo(loose);
    assertThat(describe(used).user()).isEqualTo("10001:10001");
  }

  private ContainerProperties registered(Map<String, String> env, int memoryMb) {
    return describe(definitions(env).forImage(image, new JobResources("1", memoryMb)));
  }

  private static JobDefinitions definitions(Map<String, String> env) {
    return new JobDefinitions(MotoServer.get().batch(), BatchSettings.fromEnv(env));
  }

  private static ContainerProperties describe(String arn) {
    try (BatchClient batch = MotoServer.get().batch()) {
      return batch
          .describeJobDefinitions(r -> r.jobDefinitions(arn))
          .jobDefinitions()
          .get(0)
          .containerProperties();
    }
  }

  private static String sha256(String text) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }
}
