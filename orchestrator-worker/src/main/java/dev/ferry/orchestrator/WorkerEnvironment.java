package dev.ferry.orchestrator;

import dev.ferry.api.Labels;
import dev.ferry.api.Secrets;
import dev.ferry.api.TemporalConnection;
import dev.ferry.api.Workload;
import java.util.HashMap;
import java.util.Map;

/**
 * The environment an external worker gets: its queue and the Temporal connection as seen from the
 * compute, secrets included. Built at activity execution time from the orchestrator's own
 * environment, so secrets never pass through workflow history.
 */
final class WorkerEnvironment {

  static final String GIT_TOKEN = "FERRY_GIT_TOKEN";

  /** The hosts the git token is sent to, comma-separated; a clone from elsewhere goes without. */
  static final String GIT_TOKEN_HOSTS = "FERRY_GIT_TOKEN_HOSTS";

  static final String DEFAULT_GIT_TOKEN_HOSTS = "github.com";

  private final String temporalAddress;
  private final String namespace;
  private final Map<String, String> secrets;
  private final String gitToken;
  private final String gitTokenHosts;
  private final Secrets redaction;
  private final CallbackTokens callbacks;

  /** For tests: the compute's connection resolved from {@code orchestratorEnv} alone. */
  WorkerEnvironment(String temporalAddress, String namespace, Map<String, String> orchestratorEnv) {
    this(
        temporalAddress,
        namespace,
        ComputeConnection.of(TemporalConnection.profile(orchestratorEnv), orchestratorEnv),
        orchestratorEnv,
        CallbackTokens.fromEnvironment(orchestratorEnv));
  }

  /**
   * @param connection the compute's Temporal connection ({@link ComputeConnection}), made once at
   *     start-up: values only, never a path of the orchestrator's
   * @param orchestratorEnv the orchestrator's environment, for the git token and for redaction
   */
  WorkerEnvironment(
      String temporalAddress,
      String namespace,
      Map<String, String> connection,
      Map<String, String> orchestratorEnv,
      CallbackTokens callbacks) {
    this.callbacks = callbacks;
    this.temporalAddress = temporalAddress;
    this.namespace = namespace;
    this.secrets = Map.copyOf(connection);
    // The pr-check workload clones private repositories with this token, sent to these hosts only.
    String gitToken = orchestratorEnv.getOrDefault(GIT_TOKEN, orchestratorEnv.get("GITHUB_TOKEN"));
    this.gitToken = gitToken == null || gitToken.isBlank() ? null : gitToken;
    this.gitTokenHosts = orchestratorEnv.getOrDefault(GIT_TOKEN_HOSTS, DEFAULT_GIT_TOKEN_HOSTS);
    // A key read from a file is in the connection only, not in the orchestrator's environment.
    this.redaction = Secrets.of(orchestratorEnv).and(Secrets.of(connection));
  }

  /** The orchestrator's credentials, to redact from what comes back from compute. */
  Secrets secrets() {
    return redaction;
  }

  /**
   * The compute's environment for this request: a worker's, or for a callback-mode run the signed
   * URL it reports to, made here so that the signing secret never reaches workflow history.
   */
  Map<String, String> forRequest(dev.ferry.api.ProvisionRequest request) {
    if (!dev.ferry.api.TaskQueues.CALLBACKS.equals(request.taskQueue())) {
      Map<String, String> env = forQueue(request.spec().env(), request.taskQueue());
      // Only the workload that clones gets the token: a shell command has no use for it.
      if (gitToken != null
          && Workload.PR_CHECK.id().equals(request.labels().get(Labels.WORKLOAD))) {
        env.put(GIT_TOKEN, gitToken);
        env.put(GIT_TOKEN_HOSTS, gitTokenHosts);
      }
      // The worker's own hard lifetime, which holds if the orchestrator and Temporal are gone.
      if (request.leaseExpiresAt() != null) {
        env.put("FERRY_LEASE_EXPIRES", request.leaseExpiresAt().toString());
      }
      if (request.timeouts() != null) {
        env.put("FERRY_HEARTBEAT_TIMEOUT", request.timeouts().heartbeat().toString());
      }
      return env;
    }
    // Callback compute runs any image and is no Temporal worker: it gets its callback URL and
    // none of the Temporal connection or its secrets, and no queue a stray worker could poll.
    Map<String, String> env = new HashMap<>(request.spec().env());
    env.put(
        "FERRY_CALLBACK_URL",
        callbacks.url(
            request.labels().get(dev.ferry.api.Labels.WORKFLOW_ID),
            request.labels().get(dev.ferry.api.Labels.RUN_ID),
            Integer.parseInt(request.labels().get(dev.ferry.api.Labels.ATTEMPT))));
    return env;
  }

  /**
   * The value of {@link dev.ferry.api.Labels#TEMPORAL} on every resource provisioned through this
   * environment: the namespace and the Temporal address its workers use.
   */
  String scope() {
    return namespace + "@" + temporalAddress;
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
