package dev.ferry.orchestrator;

import dev.ferry.api.TaskQueues;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Derives a run attempt's resource name and task queue from the run's identity, so a replayed
 * workflow, a retried provision and the reaper all arrive at the same names.
 *
 * <p>Names fit every provider: lowercase letters, digits and dashes, starting with a letter, at
 * most 32 characters (DigitalOcean App Platform's limit).
 */
final class ComputeNames {

  private ComputeNames() {}

  static String resourceName(String workflowId, String runId, int attempt) {
    return "ferry-" + digest(workflowId, runId) + "-a" + attempt;
  }

  static String taskQueue(String workflowId, String runId, int attempt) {
    return TaskQueues.RUN_PREFIX + digest(workflowId, runId) + "-a" + attempt;
  }

  private static String digest(String workflowId, String runId) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest((workflowId + "/" + runId).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
