package dev.ferry.providers.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * Registry credentials as {@code docker login} stores them in the Docker config ({@code
 * $DOCKER_CONFIG/config.json}, else {@code ~/.docker/config.json}): the {@code auths} entries with
 * a base64 {@code user:password} (or {@code username} and {@code password}). Credential helpers
 * ({@code credsStore}, {@code credHelpers}) are not consulted.
 */
public final class RegistryCredentials {

  /** A user name and password (or token) for one registry. */
  public record Login(String username, String password) {
    @Override
    public String toString() {
      return "Login[" + username + ", password hidden]";
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path configFile;

  public RegistryCredentials(Path configFile) {
    this.configFile = configFile;
  }

  /** The Docker config the docker CLI would read, given this environment. */
  public static RegistryCredentials fromEnvironment(Map<String, String> env) {
    String dir = env.get("DOCKER_CONFIG");
    Path base =
        dir != null && !dir.isBlank()
            ? Path.of(dir)
            : Path.of(System.getProperty("user.home"), ".docker");
    return new RegistryCredentials(base.resolve("config.json"));
  }

  public Path configFile() {
    return configFile;
  }

  /**
   * The login stored for {@code image}'s registry; empty when there is none or no config file.
   *
   * @throws IllegalStateException when the config file cannot be read or parsed
   */
  public Optional<Login> forImage(ImageName image) {
    if (!Files.isRegularFile(configFile)) {
      return Optional.empty();
    }
    JsonNode auths;
    try {
      auths = JSON.readTree(configFile.toFile()).path("auths");
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the Docker config " + configFile + ": " + e, e);
    }
    for (String key : image.credentialKeys()) {
      for (String candidate : new String[] {key, key + "/", key + "/v1/", key + "/v2/"}) {
        JsonNode entry = auths.get(candidate);
        if (entry != null) {
          Optional<Login> login = login(entry);
          if (login.isPresent()) {
            return login;
          }
        }
      }
    }
    return Optional.empty();
  }

  private Optional<Login> login(JsonNode entry) {
    String auth = entry.path("auth").asText("");
    if (!auth.isEmpty()) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException(
            "the Docker config " + configFile + " has an auth entry that is not base64", e);
      }
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        throw new IllegalStateException(
            "the Docker config " + configFile + " has an auth entry that is not user:password");
      }
      return Optional.of(new Login(decoded.substring(0, colon), decoded.substring(colon + 1)));
    }
    String user = entry.path("username").asText("");
    String password = entry.path("password").asText("");
    return user.isEmpty() ? Optional.empty() : Optional.of(new Login(user, password));
  }
}
