package dev.ferry.starter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.AttemptSummary;
import dev.ferry.api.ComputeHandle;
import dev.ferry.api.Progress;
import dev.ferry.api.QueuePlace;
import dev.ferry.api.RunPhase;
import dev.ferry.api.RunResult;
import dev.ferry.api.RunStatus;
import dev.ferry.api.RunUpdate;
import dev.ferry.api.TeardownReceipt;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** How runs read on a terminal, and as JSON. */
final class Output {

  private Output() {}

  static String json(Object value) {
    try {
      return FerryCli.JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + value.getClass() + " as JSON", e);
    }
  }

  static String progress(RunStatus status) {
    return progress(
        status.phase(),
        status.attempt(),
        status.maxAttempts(),
        status.compute(),
        status.progress(),
        status.failure(),
        status.queue());
  }

  /** One side of a pull-request check, read like a run. */
  static String progress(RunUpdate run) {
    return progress(
        run.phase(),
        run.attempt(),
        run.maxAttempts(),
        run.compute(),
        run.progress(),
        run.failure(),
        null);
  }

  private static String progress(
      RunPhase phase,
      int attempt,
      int maxAttempts,
      ComputeHandle compute,
      Progress progress,
      String failure,
      QueuePlace queue) {
    StringBuilder line = new StringBuilder("[").append(phase).append("]");
    if (attempt > 0) {
      line.append(" attempt ").append(attempt).append('/').append(maxAttempts);
    }
    if (compute != null) {
      line.append(" on ").append(compute.provider()).append(' ');
      line.append(compute.name());
    }
    if (queue != null) {
      line.append(
          queue.place() == null
              ? " · joining the queue"
              : " · place " + queue.place() + " in the queue");
      line.append(" for ")
          .append(queue.provider())
          .append(" (limit ")
          .append(queue.limit())
          .append(" at once)");
    }
    if (progress != null) {
      line.append(String.format(Locale.ROOT, " · %.1f%%", progress.percent()));
      if (progress.message() != null && !progress.message().isBlank()) {
        line.append(" · ").append(progress.message());
      }
    }
    if (failure != null) {
      line.append(" · ").append(failure);
    }
    return line.toString();
  }

  static String status(String workflowId, RunStatus status) {
    List<String> lines = new ArrayList<>();
    lines.add(workflowId + " " + progress(status));
    lines.add("started " + status.startedAt() + ", in this phase since " + status.phaseSince());
    if (status.image() != null) {
      lines.add("image " + status.image());
    }
    status.attempts().forEach(a -> lines.add("  " + attempt(a)));
    return String.join(System.lineSeparator(), lines);
  }

  static String result(String workflowId, RunResult result) {
    List<String> lines = new ArrayList<>();
    lines.add("run " + workflowId + " succeeded in " + result.elapsed().toMillis() / 1000.0 + " s");
    lines.add("result: " + result.output());
    if (result.resumedFrom() != null) {
      lines.add("resumed from checkpoint: " + result.resumedFrom());
    }
    result.attempts().forEach(a -> lines.add("  " + attempt(a)));
    return String.join(System.lineSeparator(), lines);
  }

  static String attempt(AttemptSummary attempt) {
    StringBuilder line =
        new StringBuilder("attempt ")
            .append(attempt.number())
            .append(": ")
            .append(attempt.outcome());
    if (attempt.compute() != null) {
      line.append(" on ").append(attempt.compute().provider()).append(' ');
      line.append(attempt.compute().name());
    }
    line.append(" (").append(attempt.detail()).append(')');
    if (attempt.image() != null) {
      line.append("; image ").append(attempt.image());
    }
    TeardownReceipt receipt = attempt.teardown();
    if (receipt == null) {
      line.append("; no teardown receipt");
    } else if (!receipt.found()) {
      line.append("; teardown: nothing left to remove");
    } else {
      line.append("; torn down at ").append(receipt.removedAt());
      line.append(", exit code ")
          .append(receipt.exitCode() == null ? "unknown" : receipt.exitCode());
      if (!receipt.logTail().isEmpty()) {
        line.append(", last log line: ").append(receipt.logTail().getLast());
      }
    }
    return line.toString();
  }

  /** The attempts a failed run carries in its failure details. */
  static List<String> attempts(ApplicationFailure failure) {
    return attemptSummaries(failure).stream().map(Output::attempt).toList();
  }

  static String failureJson(String workflowId, ApplicationFailure failure) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("workflowId", workflowId);
    out.put("failure", failure.getOriginalMessage());
    out.put("type", failure.getType());
    out.put("attempts", attemptSummaries(failure));
    return json(out);
  }

  private static List<AttemptSummary> attemptSummaries(ApplicationFailure failure) {
    if (failure.getDetails().getSize() == 0) {
      return List.of();
    }
    try {
      JsonNode details = failure.getDetails().get(JsonNode.class);
      List<AttemptSummary> summaries = new ArrayList<>();
      for (JsonNode node : details) {
        summaries.add(FerryCli.JSON.treeToValue(node, AttemptSummary.class));
      }
      return summaries;
    } catch (RuntimeException | JsonProcessingException e) {
      return List.of();
    }
  }
}
