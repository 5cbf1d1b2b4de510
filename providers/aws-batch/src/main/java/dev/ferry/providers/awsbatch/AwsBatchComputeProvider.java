package dev.ferry.providers.awsbatch;

import dev.ferry.api.ComputeHandle;
import dev.ferry.api.ComputeSpec;
import dev.ferry.api.ComputeState;
import dev.ferry.api.ProvisionRequest;
import dev.ferry.api.TeardownReceipt;
import dev.ferry.providers.ComputeProvider;
import dev.ferry.providers.LabelSelector;
import dev.ferry.providers.LabelledResource;
import dev.ferry.providers.ProviderException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.JobStatus;
import software.amazon.awssdk.services.batch.model.KeyValuePair;
import software.amazon.awssdk.services.batch.model.SubmitJobRequest;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;

/**
 * Runs each external worker as an AWS Batch job, named after the request and tagged with its
 * labels, so that a restarted orchestrator finds it again by name or tag.
 *
 * <p>A Batch job is never deleted, only ended: deprovision terminates it, keeps its receipt and
 * tags it {@value #TORN_DOWN}, after which describe reports it {@link ComputeState.Gone} and list
 * no longer shows it.
 *
 * <p>Thread-safe: the SDK clients are; provisions of one name are serialized in this process, since
 * Batch itself does not keep job names unique.
 */
public final class AwsBatchComputeProvider implements ComputeProvider, AutoCloseable {

  public static final String ID = "aws-batch";
  static final int LOG_TAIL_LINES = 200;

  /** Every resource name Ferry derives starts with it. */
  static final String NAME_PREFIX = "ferry-";

  /** Set on a job once deprovision has ended it and taken its receipt. */
  static final String TORN_DOWN = "ferry.torn-down";

  /** When a job still waiting for compute counts as a boot failure. */
  static final String BOOT_DEADLINE = "ferry.boot-deadline";

  /** Batch's job name: up to 128 letters, digits, hyphens and underscores, alphanumeric first. */
  private static final Pattern JOB_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,127}");

  private static final Pattern TAG_VALUE_DISALLOWED =
      Pattern.compile("[^\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]");
  private static final Duration MIN_ATTEMPT_DURATION = Duration.ofSeconds(60);
  private static final Duration TERMINATION_CONFIRMATION = Duration.ofMinutes(2);
  private static final Logger log = LoggerFactory.getLogger(AwsBatchComputeProvider.class);

  private final BatchClient batch;
  private final CloudWatchLogsClient logsClient;
  private final BatchSettings settings;
  private final BatchJobs jobs;
  private final JobDefinitions definitions;
  private final JobLogs logs;

  /** Striped, so that the locks of every name ever provisioned are not kept. */
  private final Object[] provisionLocks = new Object[64];

  /** A provider that owns both clients and closes them in {@link #close()}. */
  AwsBatchComputeProvider(BatchClient batch, CloudWatchLogsClient logs, BatchSettings settings) {
    this.batch = batch;
    this.logsClient = logs;
    this.settings = settings;
    this.jobs = new BatchJobs(batch, settings.jobQueue());
    this.definitions = new JobDefinitions(batch, settings);
    this.logs = new JobLogs(logs, settings.logGroup());
    Arrays.setAll(provisionLocks, i -> new Object());
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public void validate(ComputeSpec spec) {
    if (spec.image() == null && settings.jobDefinition() == null) {
      throw new ProviderException.InvalidSpec(
          "provider 'aws-batch' runs an image: set FERRY_IMAGE (or"
              + " IMAGE_REGISTRY/IMAGE_REPOSITORY/IMAGE_TAG), the run's image, or "
              + BatchSettings.JOB_DEFINITION);
    }
    JobResources.of(spec, settings.platform());
  }

  @Override
  public ComputeHandle provision(ProvisionRequest request) {
    validate(request.spec());
    String name = request.name();
    if (!JOB_NAME.matcher(name).matches()) {
      throw new ProviderException.InvalidSpec(
          "'" + name + "' is not a valid Batch job name (up to 128 letters, digits, - and _)");
    }
    synchronized (provisionLocks[Math.floorMod(name.hashCode(), provisionLocks.length)]) {
      Optional<BatchJob> existing = jobs.byName(name).filter(job -> !isTornDown(job));
      if (existing.isPresent()) {
        log.info(
            "adopting Batch job {} ({}, {})",
            name,
            existing.get().jobId(),
            existing.get().status());
        return handle(existing.get());
      }
      return submit(request);
    }
  }

  private ComputeHandle submit(ProvisionRequest request) {
    ComputeSpec spec = request.spec();
    JobResources resources = JobResources.of(spec, settings.platform());
    String definition = definitions.forImage(spec.image(), resources);
    Map<String, String> tags = tags(request);
    SubmitJobRequest.Builder submit =
        SubmitJobRequest.builder()
            .jobName(request.name())
            .jobQueue(settings.jobQueue())
            .jobDefinition(definition)
            .containerOverrides(c -> c.environment(overrides(spec.env())))
            .tags(tags)
            .propagateTags(true);
    attemptDuration(request)
        .ifPresent(d -> submit.timeout(t -> t.attemptDurationSeconds((int) d.toSeconds())));
    try {
      String id = batch.submitJob(submit.build()).jobId();
      log.info("submitted Batch job {} ({}) with {}", request.name(), id, definition);
      return new ComputeHandle(ID, request.name(), id);
    } catch (RuntimeException e) {
      throw BatchErrors.translate("submitting job " + request.name(), e);
    }
  }

  /** The worker's environment, less what the job definition brings in as secrets. */
  private List<KeyValuePair> overrides(Map<String, String> env) {
    return env.entrySet().stream()
        .filter(e -> !settings.secretArns().containsKey(e.getKey()))
        .sorted(Map.Entry.comparingByKey())
        .map(e -> KeyValuePair.builder().name(e.getKey()).value(e.getValue()).build())
        .toList();
  }

  private Map<String, String> tags(ProvisionRequest request) {
    Map<String, String> tags = new HashMap<>();
    request
        .labels()
        .forEach((k, v) -> tags.put(k, TAG_VALUE_DISALLOWED.matcher(v).replaceAll("_")));
    if (request.timeouts() != null) {
      tags.put(BOOT_DEADLINE, Instant.now().plus(request.timeouts().boot()).toString());
    }
    return tags;
  }

  /**
   * A hard lifetime Batch enforces even when Ferry is gone: the run's boot and run timeouts, else
   * what is left of the lease.
   */
  static Optional<Duration> attemptDuration(ProvisionRequest request) {
    Duration duration;
    if (request.timeouts() != null) {
      duration = request.timeouts().boot().plus(request.timeouts().run());
    } else if (request.leaseExpiresAt() != null) {
      duration = Duration.between(Instant.now(), request.leaseExpiresAt());
    } else {
      return Optional.empty();
    }
    return Optional.of(
        duration.compareTo(MIN_ATTEMPT_DURATION) < 0 ? MIN_ATTEMPT_DURATION : duration);
  }

  @Override
  public ComputeState describe(ComputeHandle handle) {
    Optional<BatchJob> job = find(handle);
    if (job.isEmpty() || isTornDown(job.get())) {
      return new ComputeState.Gone();
    }
    return BatchStates.toComputeState(job.get(), bootDeadline(job.get()), Instant.now());
  }

  @Override
  public TeardownReceipt deprovision(ComputeHandle handle) {
    Optional<BatchJob> found = find(handle);
    if (found.isEmpty() || isTornDown(found.get())) {
      return TeardownReceipt.alreadyGone(handle, Instant.now());
    }
    BatchJob job = found.get();
    if (job.status() == JobStatus.RUNNING && settings.exitGrace().isPositive()) {
      job = awaitFinal(job, settings.exitGrace()).orElse(job);
    }
    if (!BatchStates.isFinal(job.status())) {
      terminate(job);
      BatchJob terminated = job;
      job =
          awaitFinal(job, TERMINATION_CONFIRMATION)
              .orElseThrow(
                  () ->
                      new ProviderException.Unavailable(
                          "aws-batch: job "
                              + terminated.name()
                              + " has not ended "
                              + TERMINATION_CONFIRMATION
                              + " after TerminateJob",
                          null));
    }
    List<String> tail = logs.tail(job.logStreamName(), LOG_TAIL_LINES);
    jobs.tag(job, Map.of(TORN_DOWN, "true"));
    String detail = detail(job);
    log.info("ended Batch job {} ({}): {}", job.name(), job.jobId(), detail);
    return new TeardownReceipt(
        ID, job.name(), job.jobId(), true, job.exitCode(), tail, Instant.now(), detail);
  }

  private void terminate(BatchJob job) {
    try {
      batch.terminateJob(r -> r.jobId(job.jobId()).reason("Ferry deprovisioned " + job.name()));
    } catch (RuntimeException e) {
      throw BatchErrors.translate("terminating job " + job.name(), e);
    }
  }

  /** The job once it has ended, or empty when it is still live after {@code wait}. */
  private Optional<BatchJob> awaitFinal(BatchJob job, Duration wait) {
    Instant deadline = Instant.now().plus(wait);
    BatchJob now = job;
    while (!BatchStates.isFinal(now.status())) {
      if (Instant.now().isAfter(deadline)) {
        return Optional.empty();
      }
      sleep(Duration.ofMillis(500));
      now = jobs.byId(job.jobId()).orElse(now);
    }
    return Optional.of(now);
  }

  private String detail(BatchJob job) {
    StringBuilder detail = new StringBuilder("Batch job " + job.jobId() + " " + job.status());
    if (job.statusReason() != null && !job.statusReason().isBlank()) {
      detail.append(": ").append(job.statusReason().strip());
    }
    if (job.exitCode() != null) {
      detail.append(", exit code ").append(job.exitCode());
    }
    if (job.logStreamName() != null) {
      detail
          .append(", log stream ")
          .append(settings.logGroup())
          .append(' ')
          .append(job.logStreamName());
    }
    return detail.toString();
  }

  @Override
  public List<LabelledResource> listLabelled(LabelSelector selector) {
    return jobs.namedLike(NAME_PREFIX).stream()
        .filter(job -> !isTornDown(job))
        .filter(job -> selector.matches(job.tags()))
        .sorted(Comparator.comparing(BatchJob::name))
        .map(job -> new LabelledResource(handle(job), job.tags()))
        .toList();
  }

  private Optional<BatchJob> find(ComputeHandle handle) {
    if (handle.resourceId() != null) {
      Optional<BatchJob> byId = jobs.byId(handle.resourceId());
      if (byId.isPresent()) {
        return byId;
      }
    }
    return jobs.byName(handle.name());
  }

  private static boolean isTornDown(BatchJob job) {
    return "true".equals(job.tags().get(TORN_DOWN));
  }

  private static Instant bootDeadline(BatchJob job) {
    String value = job.tags().get(BOOT_DEADLINE);
    try {
      return value == null ? null : Instant.parse(value);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static ComputeHandle handle(BatchJob job) {
    return new ComputeHandle(ID, job.name(), job.jobId());
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderException.Unavailable("interrupted while waiting for Batch", e);
    }
  }

  @Override
  public void close() {
    batch.close();
    logsClient.close();
  }
}
