package dev.ferry.orchestrator;

import java.util.HashMap;
import java.util.Map;

/**
 * The environment an external worker gets: its queue and the Temporal connection as seen from the
 * compute, secrets included. Built at activity execution time from the orchestrator's own
 * environment, so secrets never pass through workflow history.
 */
final class WorkerEnvironment {

  private final String temporalAddress;
  private final String namespace;
  private final Map<String, String> secrets;

  WorkerEnvironment(String temporalAddress, String namespace, Map<String, String> orchestratorEnv) {
    this.temporalAddress = temporalAddress;
    this.namespace = namespace;
    Map<String, String> passed = new HashMap<>();
    orchestratorEnv.forEach(
        (key, value) -> {
          if (key.equals("TEMPORAL_API_KEY")
              || key.startsWith("TEMPORAL_TLS")
              || key.startsWith("TEMPORAL_GRPC_META_")) {
            passed.put(key, value);
          }
        });
    // The pr-check workload clones private repositories with this token.
    String gitToken =
        orchestratorEnv.getOrDefault("FERRY_GIT_TOKEN", orchestratorEnv.get("GITHUB_TOKEN"));
    if (gitToken != null && !gitToken.isBlank()) {
      passed.put("FERRY_GIT_TOKEN", gitToken);
    }
    this.secrets = Map.copyOf(passed);
  }

  /** The worker's environment: the spec's own variables, then Ferry's, which win. */
  Map<String, String> forQueue(Map<String, String> specEnv, String taskQueue) {
    Map<String, String> env = new HashMap<>(specEnv);
    env.putAll(secrets);
    env.put("FERRY_TASK_QUEUE", taskQueue);
    env.put("TEMPORAL_ADDRESS", temporalAddress);
    env.put("TEMPORAL_NAMESPACE", namespace);
    return env;
  }
}
