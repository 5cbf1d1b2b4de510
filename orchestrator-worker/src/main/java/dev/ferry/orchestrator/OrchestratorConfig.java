package dev.ferry.orchestrator;

import dev.ferry.api.OwnNamespace;
import dev.ferry.api.TemporalConnection;
import io.temporal.envconfig.ClientConfigProfile;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The orchestrator's configuration, read once from the environment in {@code main}.
 *
 * @param temporalAddress Temporal's address; null to start an embedded server
 * @param embeddedPort the port of the embedded server ({@code FERRY_TEMPORAL_PORT})
 * @param namespace the Temporal namespace, from the orchestrator's resolved client profile: {@code
 *     TEMPORAL_NAMESPACE} or the profile's, else {@code default} on a configured server and {@value
 *     OwnNamespace#NAME} on the embedded one
 * @param defaults the provider and image runs get unless they ask otherwise
 * @param externalTemporalAddress Temporal's address as seen from the compute
 * @param computeConnection the rest of the compute's Temporal connection ({@link
 *     ComputeConnection}): API key, gRPC metadata and TLS, certificates and keys as data
 * @param env the whole environment, for providers and for the secrets workers are given
 */
public record OrchestratorConfig(
    String temporalAddress,
    int embeddedPort,
    String namespace,
    ComputeDefaults defaults,
    String externalTemporalAddress,
    Map<String, String> computeConnection,
    Map<String, String> env) {

  public static final int DEFAULT_TEMPORAL_PORT = 7233;
  public static final String DEFAULT_PROVIDER = "local";

  /**
   * Reads the configuration.
   *
   * @throws IllegalArgumentException naming the missing or bad variable
   */
  public static OrchestratorConfig fromEnvironment(Map<String, String> given) {
    // The embedded server's namespace travels in the environment every client is made from.
    Map<String, String> env = OwnNamespace.applied(given);
    String address = blankToNull(env.get("TEMPORAL_ADDRESS"));
    int port = port(env.getOrDefault("FERRY_TEMPORAL_PORT", String.valueOf(DEFAULT_TEMPORAL_PORT)));
    ClientConfigProfile profile;
    try {
      profile = TemporalConnection.profile(env);
    } catch (UncheckedIOException e) {
      throw new IllegalArgumentException(
          "the Temporal config file (TEMPORAL_CONFIG_FILE, TEMPORAL_PROFILE) cannot be read: "
              + e.getCause().getMessage(),
          e);
    }
    String provider = env.getOrDefault("FERRY_PROVIDER", DEFAULT_PROVIDER);
    String external =
        env.getOrDefault(
            "FERRY_EXTERNAL_TEMPORAL_ADDRESS", address != null ? address : "127.0.0.1:" + port);
    return new OrchestratorConfig(
        address,
        port,
        profile.getNamespace(),
        new ComputeDefaults(provider, image(env), AllowedImages.fromEnvironment(env)),
        external,
        Map.copyOf(ComputeConnection.of(profile, env)),
        Map.copyOf(env));
  }

  public boolean embedded() {
    return temporalAddress == null;
  }

  /** Where clients connect: the configured address, or the embedded server on loopback. */
  public String clientAddress() {
    return TemporalConnection.address(env);
  }

  public OrchestratorConfig withDefaults(ComputeDefaults newDefaults) {
    return new OrchestratorConfig(
        temporalAddress,
        embeddedPort,
        namespace,
        newDefaults,
        externalTemporalAddress,
        computeConnection,
        env);
  }

  /** {@code FERRY_IMAGE}, or {@code IMAGE_REGISTRY/IMAGE_REPOSITORY:IMAGE_TAG}. */
  static String image(Map<String, String> env) {
    String image = blankToNull(env.get("FERRY_IMAGE"));
    if (image != null) {
      return image;
    }
    String registry = blankToNull(env.get("IMAGE_REGISTRY"));
    String repository = blankToNull(env.get("IMAGE_REPOSITORY"));
    if (registry == null && repository == null) {
      return null;
    }
    if (repository == null) {
      throw new IllegalArgumentException(
          "IMAGE_REGISTRY is set but IMAGE_REPOSITORY is not; set both, or FERRY_IMAGE");
    }
    String tag = env.getOrDefault("IMAGE_TAG", "latest");
    return (registry == null ? "" : registry + "/") + repository + ":" + tag;
  }

  private static int port(String value) {
    try {
      int port = Integer.parseInt(value.trim());
      if (port < 1 || port > 65535) {
        throw new NumberFormatException();
      }
      return port;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "FERRY_TEMPORAL_PORT must be a port number from 1 to 65535, was '" + value + "'");
    }
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
