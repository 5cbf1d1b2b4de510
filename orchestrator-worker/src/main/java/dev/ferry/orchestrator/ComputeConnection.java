package dev.ferry.orchestrator;

import io.grpc.Metadata;
import io.temporal.envconfig.ClientConfigProfile;
import io.temporal.envconfig.ClientConfigTLS;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Temporal connection settings a worker on compute gets, made once at start-up from the
 * orchestrator's own resolved client profile (temporal-envconfig: its {@code TEMPORAL_*} variables,
 * {@code TEMPORAL_PROFILE} and the config file): the API key, gRPC metadata and TLS as values only.
 * A certificate or key the orchestrator reads from a file travels as its PEM in the matching {@code
 * *_DATA} variable, since the compute has none of the orchestrator's files; no {@code *_PATH},
 * {@code TEMPORAL_PROFILE} or {@code TEMPORAL_CONFIG_FILE} ever reaches it. Address and namespace
 * are not part of it: the worker gets those as the compute sees them.
 */
final class ComputeConnection {

  static final String API_KEY = "TEMPORAL_API_KEY";
  static final String TLS = "TEMPORAL_TLS";
  static final String CLIENT_CERT = "TEMPORAL_TLS_CLIENT_CERT";
  static final String CLIENT_KEY = "TEMPORAL_TLS_CLIENT_KEY";
  static final String SERVER_CA_CERT = "TEMPORAL_TLS_SERVER_CA_CERT";
  static final String SERVER_NAME = "TEMPORAL_TLS_SERVER_NAME";
  static final String DISABLE_HOST_VERIFICATION = "TEMPORAL_TLS_DISABLE_HOST_VERIFICATION";
  static final String GRPC_META = "TEMPORAL_GRPC_META_";

  private ComputeConnection() {}

  /**
   * The compute's connection variables for this resolved profile.
   *
   * @param profile the orchestrator's own profile, as {@link
   *     dev.ferry.api.TemporalConnection#profile} resolves it
   * @param env the orchestrator's environment, only to say where a file path came from
   * @throws IllegalArgumentException naming the variable (or config-file key) and the path of a
   *     certificate or key file that cannot be read
   */
  static Map<String, String> of(ClientConfigProfile profile, Map<String, String> env) {
    Map<String, String> vars = new TreeMap<>();
    if (profile.getApiKey() != null && !profile.getApiKey().isEmpty()) {
      vars.put(API_KEY, profile.getApiKey());
    }
    Metadata metadata = profile.getMetadata();
    if (metadata != null) {
      for (String key : metadata.keys()) {
        if (key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
          continue;
        }
        String value = metadata.get(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
        if (value != null) {
          vars.put(GRPC_META + key.replace('-', '_').toUpperCase(Locale.ROOT), value);
        }
      }
    }
    ClientConfigTLS tls = profile.getTls();
    if (tls == null) {
      return vars;
    }
    if (tls.isDisabled() != null) {
      vars.put(TLS, String.valueOf(!tls.isDisabled()));
    }
    pem(
        vars,
        CLIENT_CERT,
        "client_cert_path",
        tls.getClientCertPath(),
        tls.getClientCertData(),
        env);
    pem(vars, CLIENT_KEY, "client_key_path", tls.getClientKeyPath(), tls.getClientKeyData(), env);
    pem(
        vars,
        SERVER_CA_CERT,
        "server_ca_cert_path",
        tls.getServerCACertPath(),
        tls.getServerCACertData(),
        env);
    if (tls.getServerName() != null && !tls.getServerName().isBlank()) {
      vars.put(SERVER_NAME, tls.getServerName());
    }
    if (tls.isDisableHostVerification() != null) {
      vars.put(DISABLE_HOST_VERIFICATION, String.valueOf(tls.isDisableHostVerification()));
    }
    return vars;
  }

  /**
   * {@code <variable>_DATA}: the file's content when a path is set (a path wins over data, as it
   * does for the orchestrator's own connection), else the data.
   */
  private static void pem(
      Map<String, String> vars,
      String variable,
      String tomlKey,
      String path,
      byte[] data,
      Map<String, String> env) {
    if (path != null && !path.isEmpty()) {
      try {
        vars.put(variable + "_DATA", Files.readString(Path.of(path), StandardCharsets.UTF_8));
      } catch (IOException | RuntimeException e) {
        throw new IllegalArgumentException(
            source(variable + "_PATH", tomlKey, path, env)
                + " names "
                + path
                + ", which cannot be read ("
                + reason(e)
                + "): the orchestrator reads it to hand its content to the compute as "
                + variable
                + "_DATA",
            e);
      }
    } else if (data != null && data.length > 0) {
      vars.put(variable + "_DATA", new String(data, StandardCharsets.UTF_8));
    }
  }

  private static String source(
      String variable, String tomlKey, String path, Map<String, String> env) {
    if (path.equals(env.get(variable))) {
      return variable;
    }
    String profile = env.getOrDefault("TEMPORAL_PROFILE", "");
    String file = env.getOrDefault("TEMPORAL_CONFIG_FILE", "");
    return "tls."
        + tomlKey
        + " of Temporal profile '"
        + (profile.isBlank() ? "default" : profile)
        + "' in "
        + (file.isBlank() ? "the Temporal config file" : file);
  }

  private static String reason(Exception e) {
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof java.nio.charset.MalformedInputException) {
      return "not a PEM text file";
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }
}
