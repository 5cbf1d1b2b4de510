package dev.ferry.providers.awsbatch;

import dev.ferry.api.Labels;
import dev.ferry.providers.WorkerLockdown;
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
import software.amazon.awssdk.services.batch.model.LinuxParameters;
import software.amazon.awssdk.services.batch.model.PlatformCapability;
import software.amazon.awssdk.services.batch.model.RegisterJobDefinitionRequest;
import software.amazon.awssdk.services.batch.model.ResourceRequirement;
import software.amazon.awssdk.services.batch.model.ResourceType;
import software.amazon.awssdk.services.batch.model.Secret;
import software.amazon.awssdk.services.batch.model.Tmpfs;
import software.amazon.awssdk.services.batch.model.Ulimit;

/**
 * The job definition a job runs: the configured one, else one Ferry registers per image and
 * resources under a name derived from them, found again on later runs so that each run does not add
 * a revision.
 *
 * <p>A definition Ferry registers is locked down as far as Batch lets a job definition say: not
 * privileged, the non-root {@link WorkerLockdown#user()}, an init process, and on EC2 a read-only
 * root with a {@code /tmp} tmpfs and an {@code nproc} bound. Batch has no way to drop the default
 * capabilities or to set no-new-privileges; Fargate takes no tmpfs and no ulimits, so there the
 * root stays writable (the worker needs a writable {@code /tmp}).
 *
 * <p>Thread-safe; concurrent first uses of one image may both register, which only adds a revision.
 */
final class JobDefinitions {

  static final String NAME_PREFIX = "ferry-worker-";

  /**
   * What the lockdown of a registered definition is; part of its name, so that a definition
   * registered before a change of the lockdown is never reused. Change it with the lockdown.
   */
  static final String LOCKDOWN_VERSION = "lockdown-1";

  /**
   * The {@code nproc} ulimit on EC2, Batch's only process bound. Linux counts it per user across
   * the whole instance, not per container: every job of that user on one instance shares it, so it
   * is the per-container bound times the jobs an instance may hold at once.
   */
  static final int NPROC_LIMIT = (int) WorkerLockdown.DEFAULT_PIDS_LIMIT * 8;

  /** The tmpfs options Batch accepts (a {@code mode=} value is not among them; tmpfs is 1777). */
  static final List<String> SCRATCH_OPTIONS = List.of("rw", "exec", "nosuid", "nodev");

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
            new java.util.TreeMap<>(settings.secretArns()).toString(),
            LOCKDOWN_VERSION,
            settings.lockdown().user());
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
    lockDown(container, res);
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

  /** The lockdown a definition carries, as far as its platform takes it. */
  private void lockDown(ContainerProperties.Builder container, JobResources res) {
    container.privileged(false).user(settings.lockdown().user());
    LinuxParameters.Builder linux = LinuxParameters.builder().initProcessEnabled(true);
    if (settings.platform() == Platform.EC2) {
      container
          .readonlyRootFilesystem(true)
          .ulimits(
              Ulimit.builder().name("nproc").softLimit(NPROC_LIMIT).hardLimit(NPROC_LIMIT).build());
      // Its pages count against the job's memory, which bounds it; the size is only the ceiling.
      linux.tmpfs(
          Tmpfs.builder()
              .containerPath(WorkerLockdown.SCRATCH)
              .size(res.memoryMb())
              .mountOptions(SCRATCH_OPTIONS)
              .build());
    } else {
      container.readonlyRootFilesystem(false);
    }
    container.linuxParameters(linux.build());
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
