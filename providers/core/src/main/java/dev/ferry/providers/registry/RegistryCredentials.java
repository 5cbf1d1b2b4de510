package dev.ferry.providers.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Registry credentials as {@code docker login} stores them in the Docker config ({@code
 * $DOCKER_CONFIG/config.json}, else {@code ~/.docker/config.json}): the registry's credential
 * helper ({@code credHelpers}, else {@code credsStore}: {@code docker-credential-NAME get} on the
 * {@code PATH}) when the config names one, else the {@code auths} entry with a base64 {@code
 * user:password} (or {@code username} and {@code password}).
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

  private static final Duration HELPER_TIMEOUT = Duration.ofSeconds(30);

  private final Path configFile;
  private final List<Path> helperPath;

  public RegistryCredentials(Path configFile) {
    this(configFile, searchPath(System.getenv("PATH")));
  }

  /** Credentials that look for credential helpers in {@code helperPath} only. */
  RegistryCredentials(Path configFile, List<Path> helperPath) {
    this.configFile = configFile;
    this.helperPath = List.copyOf(helperPath);
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
    JsonNode config;
    try {
      config = JSON.readTree(configFile.toFile());
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the Docker config " + configFile + ": " + e, e);
    }
    String helper = config.path("credHelpers").path(image.registry()).asText("");
    if (helper.isEmpty() && image.registry().equals(ImageName.DOCKER_HUB)) {
      helper = config.path("credHelpers").path("index.docker.io").asText("");
    }
    if (helper.isEmpty()) {
      helper = config.path("credsStore").asText("");
    }
    if (!helper.isEmpty()) {
      Optional<Login> fromHelper = fromHelper(helper, image);
      if (fromHelper.isPresent()) {
        return fromHelper;
      }
    }
    JsonNode auths = config.path("auths");
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

  /** What {@code docker-credential-NAME get} says for the registry; empty when it has nothing. */
  private Optional<Login> fromHelper(String name, ImageName image) {
    String binary = "docker-credential-" + name;
    Path executable =
        helperPath.stream()
            .map(dir -> dir.resolve(binary))
            .filter(Files::isExecutable)
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "the Docker config "
                            + configFile
                            + " names the credential helper '"
                            + name
                            + "', but "
                            + binary
                            + " is not on the PATH"));
    String server =
        image.registry().equals(ImageName.DOCKER_HUB)
            ? "https://index.docker.io/v1/"
            : image.registry();
    try {
      Process process = new ProcessBuilder(executable.toString(), "get").start();
      try (var stdin = process.getOutputStream()) {
        stdin.write(server.getBytes(StandardCharsets.UTF_8));
      }
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(HELPER_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(binary + " get did not answer in " + HELPER_TIMEOUT);
      }
      if (process.exitValue() != 0) {
        // "credentials not found in native keychain": the helper holds no login for it.
        return Optional.empty();
      }
      JsonNode answer = JSON.readTree(out);
      String user = answer.path("Username").asText("");
      String secret = answer.path("Secret").asText("");
      return secret.isEmpty() ? Optional.empty() : Optional.of(new Login(user, secret));
    } catch (IOException e) {
      throw new IllegalStateException(binary + " get failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while asking " + binary, e);
    }
  }

  private static List<Path> searchPath(String path) {
    if (path == null || path.isBlank()) {
      return List.of();
    }
    return Stream.of(path.split(File.pathSeparator))
        .filter(dir -> !dir.isEmpty())
        .map(Path::of)
        .toList();
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
