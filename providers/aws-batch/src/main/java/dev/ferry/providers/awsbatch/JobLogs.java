package dev.ferry.providers.awsbatch;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;

/** Reads the last lines a job wrote, from the CloudWatch Logs stream Batch sent them to. */
final class JobLogs {

  private static final Logger log = LoggerFactory.getLogger(JobLogs.class);

  private final CloudWatchLogsClient logs;
  private final String group;

  JobLogs(CloudWatchLogsClient logs, String group) {
    this.logs = logs;
    this.group = group;
  }

  /**
   * Up to {@code lines} last lines of the stream, oldest first; empty when the job wrote nothing or
   * its logs cannot be read (a receipt is still worth having without them).
   */
  List<String> tail(String stream, int lines) {
    if (stream == null || stream.isBlank()) {
      return List.of();
    }
    try {
      return logs
          .getLogEvents(
              r -> r.logGroupName(group).logStreamName(stream).startFromHead(false).limit(lines))
          .events()
          .stream()
          .map(OutputLogEvent::message)
          .map(JobLogs::stripNewline)
          .toList();
    } catch (ResourceNotFoundException e) {
      return List.of();
    } catch (RuntimeException e) {
      log.warn("could not read the log tail of {} in {}: {}", stream, group, e.toString());
      return List.of();
    }
  }

  private static String stripNewline(String line) {
    return line == null ? "" : line.stripTrailing();
  }
}
