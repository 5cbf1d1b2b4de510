package dev.ferry.providers.awsbatch;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.JobSummary;
import software.amazon.awssdk.services.batch.model.KeyValuesPair;

/**
 * Finds jobs of one queue by id or name and reads them as {@link BatchJob}s: DescribeJobs for tags
 * and reason, the ListJobs summary for an exit code DescribeJobs does not carry.
 */
final class BatchJobs {

  /** DescribeJobs takes at most this many ids per call. */
  private static final int DESCRIBE_BATCH = 100;

  private final BatchClient batch;
  private final String queue;

  BatchJobs(BatchClient batch, String queue) {
    this.batch = batch;
    this.queue = queue;
  }

  /** The job with this id, if Batch still knows it. */
  Optional<BatchJob> byId(String jobId) {
    List<JobDetail> details = describe(List.of(jobId));
    if (details.isEmpty()) {
      return Optional.empty();
    }
    JobDetail detail = details.get(0);
    Integer exitCode = exitCode(detail);
    if (exitCode == null && isFinal(detail)) {
      exitCode =
          summaries(detail.jobName()).stream()
              .filter(s -> s.jobId().equals(jobId))
              .findFirst()
              .map(BatchJobs::exitCode)
              .orElse(null);
    }
    return Optional.of(job(detail, exitCode));
  }

  /**
   * The newest job with exactly this name in any status (Batch does not keep names unique: a
   * retried provision must find the one it submitted).
   */
  Optional<BatchJob> byName(String name) {
    List<BatchJob> jobs =
        read(summaries(name).stream().filter(s -> s.jobName().equals(name)).toList());
    return jobs.stream()
        .max(
            Comparator.comparing(
                BatchJob::createdAt, Comparator.nullsFirst(Comparator.naturalOrder())));
  }

  /** Every job whose name starts with {@code prefix}, in any status. */
  List<BatchJob> namedLike(String prefix) {
    return read(summaries(prefix + "*"));
  }

  /** Adds tags to the job. */
  void tag(BatchJob job, Map<String, String> tags) {
    try {
      batch.tagResource(r -> r.resourceArn(job.jobArn()).tags(tags));
    } catch (RuntimeException e) {
      throw BatchErrors.translate("tagging job " + job.name(), e);
    }
  }

  /** With a JOB_NAME filter ListJobs returns jobs in every status, not only RUNNING ones. */
  private List<JobSummary> summaries(String nameFilter) {
    try {
      List<JobSummary> all = new ArrayList<>();
      batch
          .listJobsPaginator(
              r ->
                  r.jobQueue(queue)
                      .filters(KeyValuesPair.builder().name("JOB_NAME").values(nameFilter).build()))
          .jobSummaryList()
          .forEach(all::add);
      return all;
    } catch (RuntimeException e) {
      throw BatchErrors.translate("listing jobs named " + nameFilter + " in queue " + queue, e);
    }
  }

  private List<BatchJob> read(List<JobSummary> summaries) {
    Map<String, JobSummary> byId = new HashMap<>();
    summaries.forEach(s -> byId.put(s.jobId(), s));
    List<String> ids = List.copyOf(byId.keySet());
    List<BatchJob> jobs = new ArrayList<>();
    for (int from = 0; from < ids.size(); from += DESCRIBE_BATCH) {
      for (JobDetail detail :
          describe(ids.subList(from, Math.min(ids.size(), from + DESCRIBE_BATCH)))) {
        Integer exitCode = exitCode(detail);
        if (exitCode == null && byId.containsKey(detail.jobId())) {
          exitCode = exitCode(byId.get(detail.jobId()));
        }
        jobs.add(job(detail, exitCode));
      }
    }
    return jobs;
  }

  private List<JobDetail> describe(List<String> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    try {
      return batch.describeJobs(r -> r.jobs(ids)).jobs();
    } catch (RuntimeException e) {
      throw BatchErrors.translate("describing jobs " + ids, e);
    }
  }

  private static BatchJob job(JobDetail detail, Integer exitCode) {
    return new BatchJob(
        detail.jobId(),
        detail.jobArn(),
        detail.jobName(),
        detail.jobQueue(),
        detail.status(),
        detail.statusReason(),
        exitCode,
        detail.container() == null ? null : detail.container().logStreamName(),
        detail.createdAt() == null ? null : Instant.ofEpochMilli(detail.createdAt()),
        detail.tags());
  }

  private static boolean isFinal(JobDetail detail) {
    return BatchStates.isFinal(detail.status());
  }

  private static Integer exitCode(JobDetail detail) {
    return detail.container() == null ? null : detail.container().exitCode();
  }

  private static Integer exitCode(JobSummary summary) {
    return summary.container() == null ? null : summary.container().exitCode();
  }
}
