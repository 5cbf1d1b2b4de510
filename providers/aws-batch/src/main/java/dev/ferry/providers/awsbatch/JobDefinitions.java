package dev.ferry.providers.awsbatch;

import dev.ferry.api.Labels;
import dev.ferry.providers.awsbatch.BatchSettings.Platform;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.AssignPublicIp;
import software.amazon.awssdk.services.batch.model.ContainerProperties;
import software.amazon.awssdk.services.batch.model.JobDefinition;
import software.amazon.awssdk.services.batch.model.JobDefinitionType;
import software.amazon.awssdk.services.batch.model.PlatformCapability;
import software.amazon.awssdk.services.batch.model.RegisterJobDefinitionRequest;
import software.amazon.awssdk.services.batch.model.ResourceRequirement;
import software.amazon.awssdk.services.batch.model.ResourceType;
import software.amazon.awssdk.services.batch.model.Secret;

/**
 * The job definition a job runs: the configured one, else one Ferry registers per image and
 * resources under a name derived from them, found again on later runs so that each run does not add
 * a revision.
 *
 * <p>Thread-safe; concurrent first uses of one image may both register, which only adds a revision.
 */
final class JobDefinitions {

  static final String NAME_PREFIX = "ferry-worker-";
  private static final Logger log = LoggerFactory.getLogger(JobDefinitions.class);

  private final BatchClient batch;
  private final BatchSettings settings;
  private final ConcurrentMap<String, String> arns = new ConcurrentHashMap<>();

  JobDefinitions(BatchClient batch, BatchSettings settings) {
    this.batch = batch;
    this.settings = settings;
  }

  /** The definition (name:revision or ARN) to submit a job of {@code image} with. */
  String forImage(String image, JobResources resources) {
    if (settings.jobDefinition() != null) {
      return settings.jobDefinition();
    }
    String name = name(image, resources);
    return arns.computeIfAbsent(name, n -> findOrRegister(n, image, resources));
  }

  /** Stable for the same image, resources and settings; valid for Batch (letters, digits, -). */
  String name(String image, JobResources resources) {
    String key =
        String.join(
            "\n",
            image,
            resources.vcpus(),
            String.valueOf(resources.memoryMb()),
            settings.platform().name(),
            String.valueOf(settings.executionRoleArn()),
            String.valueOf(settings.jobRoleArn()),
            String.valueOf(settings.assignPublicIp()),
            new java.util.TreeMap<>(settings.secretArns()).toString());
    return NAME_PREFIX + sha256(key).substring(0, 20);
  }

  private String findOrRegister(String name, String image, JobResources resources) {
    try {
      List<JobDefinition> active =
          batch
              .describeJobDefinitions(r -> r.jobDefinitionName(name).status("ACTIVE"))
              .jobDefinitions();
      var latest = active.stream().max(Comparator.comparing(JobDefinition::revision));
      if (latest.isPresent()) {
        return latest.get().jobDefinitionArn();
      }
      String arn = batch.registerJobDefinition(request(name, image, resources)).jobDefinitionArn();
      log.info("registered Batch job definition {} for {} ({})", arn, image, resources);
      return arn;
    } catch (RuntimeException e) {
      throw BatchErrors.translate("finding or registering job definition " + name, e);
    }
  }

  private RegisterJobDefinitionRequest request(String name, String image, JobResources res) {
    ContainerProperties.Builder container =
        ContainerProperties.builder()
            .image(image)
            .resourceRequirements(
                ResourceRequirement.builder().type(ResourceType.VCPU).value(res.vcpus()).build(),
                ResourceRequirement.builder()
                    .type(ResourceType.MEMORY)
                    .value(String.valueOf(res.memoryMb()))
                    .build())
            .secrets(
                settings.secretArns().entrySet().stream()
                    .map(e -> Secret.builder().name(e.getKey()).valueFrom(e.getValue()).build())
                    .toList());
    if (settings.executionRoleArn() != null) {
      container.executionRoleArn(settings.executionRoleArn());
    }
    if (settings.jobRoleArn() != null) {
      container.jobRoleArn(settings.jobRoleArn());
    }
    PlatformCapability platform =
        settings.platform() == Platform.FARGATE
            ? PlatformCapability.FARGATE
            : PlatformCapability.EC2;
    if (settings.platform() == Platform.FARGATE) {
      container.networkConfiguration(
          n ->
              n.assignPublicIp(
                  settings.assignPublicIp() ? AssignPublicIp.ENABLED : AssignPublicIp.DISABLED));
    }
    return RegisterJobDefinitionRequest.builder()
        .jobDefinitionName(name)
        .type(JobDefinitionType.CONTAINER)
        .platformCapabilities(platform)
        .containerProperties(container.build())
        .propagateTags(true)
        .tags(Map.of(Labels.MANAGED, "true"))
        .build();
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
