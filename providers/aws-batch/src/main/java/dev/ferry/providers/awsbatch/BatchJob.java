package dev.ferry.providers.awsbatch;

import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.batch.model.JobStatus;

/**
 * What Ferry reads of one Batch job, put together from DescribeJobs and, where that lacks it, the
 * ListJobs summary.
 *
 * @param jobId Batch's id
 * @param jobArn the job's ARN, for tagging
 * @param name the job name
 * @param jobQueue the queue it was submitted to
 * @param status its status
 * @param statusReason why it is in that status; null when Batch gives none
 * @param exitCode the container's exit code, once known
 * @param logStreamName the CloudWatch Logs stream of its output, once it started
 * @param createdAt when it was submitted
 * @param tags its tags
 */
record BatchJob(
    String jobId,
    String jobArn,
    String name,
    String jobQueue,
    JobStatus status,
    String statusReason,
    Integer exitCode,
    String logStreamName,
    Instant createdAt,
    Map<String, String> tags) {

  BatchJob {
    tags = tags == null ? Map.of() : Map.copyOf(tags);
  }

  BatchJob withExitCode(Integer code) {
    return new BatchJob(
        jobId, jobArn, name, jobQueue, status, statusReason, code, logStreamName, createdAt, tags);
  }
}
