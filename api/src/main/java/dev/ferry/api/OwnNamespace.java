package dev.ferry.api;

import java.util.HashMap;
import java.util.Map;

/**
 * The namespace of the Temporal server Ferry runs itself when no {@code TEMPORAL_ADDRESS} is set
 * (the dev server of {@code ferry server}, the in-memory server of {@code ferry demo}): {@value
 * #NAME}, not {@code default}, unless {@code TEMPORAL_NAMESPACE} names another. The orchestrator,
 * its workers and the CLI all apply this rule, so they meet in the same namespace.
 */
public final class OwnNamespace {

  /** The namespace Ferry's own server registers and uses. */
  public static final String NAME = "ferry";

  private static final String ADDRESS = "TEMPORAL_ADDRESS";
  private static final String NAMESPACE = "TEMPORAL_NAMESPACE";

  private OwnNamespace() {}

  /** Whether {@code env} names no Temporal server, so that Ferry's own is meant. */
  public static boolean meant(Map<String, String> env) {
    String address = env.get(ADDRESS);
    return address == null || address.isBlank();
  }

  /** {@code TEMPORAL_NAMESPACE} when set, else {@value #NAME}. */
  public static String of(Map<String, String> env) {
    String namespace = env.get(NAMESPACE);
    return namespace == null || namespace.isBlank() ? NAME : namespace.strip();
  }

  /**
   * {@code env}, with {@code TEMPORAL_NAMESPACE=}{@value #NAME} added when it names neither a
   * Temporal server nor a namespace.
   */
  public static Map<String, String> applied(Map<String, String> env) {
    if (!meant(env)) {
      return env;
    }
    Map<String, String> withNamespace = new HashMap<>(env);
    withNamespace.put(NAMESPACE, of(env));
    return withNamespace;
  }
}
