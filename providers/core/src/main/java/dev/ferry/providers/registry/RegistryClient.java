package dev.ferry.providers.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.providers.ProviderException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves an image reference to the digest its registry serves now, through the registry HTTP API
 * v2: a manifest HEAD (GET when the registry sends no {@code Docker-Content-Digest}), with Basic
 * auth from the Docker config and, on a 401 that asks for it, the Bearer token flow.
 *
 * <p>Thread-safe; it keeps no tokens between calls. Failures are {@link ProviderException}s that
 * name the registry: auth, not found (as invalid spec), rate limited, unavailable.
 */
public final class RegistryClient {

  /** Every manifest type a Docker engine pulls, so the registry answers with what it stores. */
  static final String ACCEPT =
      String.join(
          ", ",
          "application/vnd.oci.image.index.v1+json",
          "application/vnd.docker.distribution.manifest.list.v2+json",
          "application/vnd.docker.distribution.manifest.v2+json",
          "application/vnd.oci.image.manifest.v1+json");

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final Pattern CHALLENGE_PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RegistryCredentials credentials;
  private final HttpClient http;

  public RegistryClient(RegistryCredentials credentials) {
    this.credentials = credentials;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
  }

  /** A client using the Docker config of this process's environment. */
  public static RegistryClient fromEnvironment() {
    return new RegistryClient(RegistryCredentials.fromEnvironment(System.getenv()));
  }

  /** {@code image} pinned to its current digest; a pinned reference is returned as it is. */
  public String pin(String image) {
    ImageName name = parseOrReject(image);
    return name.pinned() ? image : name.pinnedTo(digest(name));
  }

  /** The digest the registry serves for {@code name}'s tag (or digest) now. */
  public String digest(ImageName name) {
    String where = name.registry() + "/" + name.repository() + ":" + name.manifestReference();
    URI uri =
        URI.create(
            name.apiBase() + "/v2/" + name.repository() + "/manifests/" + name.manifestReference());
    Optional<RegistryCredentials.Login> login = login(name);
    String authorization = login.map(RegistryClient::basic).orElse(null);
    HttpResponse<byte[]> response = send(uri, "HEAD", authorization, name);
    if (response.statusCode() == 401) {
      String challenge = response.headers().firstValue("WWW-Authenticate").orElse("");
      if (challenge.regionMatches(true, 0, "Bearer ", 0, 7)) {
        authorization = "Bearer " + token(challenge, login, name);
        response = send(uri, "HEAD", authorization, name);
      }
    }
    if (response.statusCode() == 200
        && response.headers().firstValue("Docker-Content-Digest").isEmpty()) {
      response = send(uri, "GET", authorization, name);
    }
    checkStatus(response, name, where, login.isPresent());
    HttpResponse<byte[]> manifest = response;
    return manifest
        .headers()
        .firstValue("Docker-Content-Digest")
        .orElseGet(() -> "sha256:" + sha256(manifest.body()));
  }

  private Optional<RegistryCredentials.Login> login(ImageName name) {
    try {
      return credentials.forImage(name);
    } catch (IllegalStateException e) {
      throw new ProviderException.Auth("registry " + name.registry() + ": " + e.getMessage(), e);
    }
  }

  /** Gets a pull token from the realm the challenge names, with the login when there is one. */
  private String token(
      String challenge, Optional<RegistryCredentials.Login> login, ImageName name) {
    Map<String, String> params = new LinkedHashMap<>();
    Matcher m = CHALLENGE_PARAM.matcher(challenge.substring(7));
    while (m.find()) {
      params.put(m.group(1).toLowerCase(), m.group(2));
    }
    String realm = params.remove("realm");
    if (realm == null) {
      throw new ProviderException.Auth(
          "registry " + name.registry() + " asked for a token but named no realm: " + challenge,
          null);
    }
    params.putIfAbsent("scope", "repository:" + name.repository() + ":pull");
    StringBuilder query = new StringBuilder();
    params.forEach(
        (k, v) ->
            query
                .append(query.isEmpty() ? "?" : "&")
                .append(k)
                .append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    URI uri;
    try {
      uri = URI.create(realm + query);
    } catch (IllegalArgumentException e) {
      throw new ProviderException.Auth(
          "registry " + name.registry() + " named a bad token realm '" + realm + "'", e);
    }
    HttpResponse<byte[]> response =
        send(uri, "GET", login.map(RegistryClient::basic).orElse(null), name);
    checkStatus(response, name, "token from " + realm, login.isPresent());
    try {
      JsonNode body = JSON.readTree(response.body());
      String token = body.path("token").asText(body.path("access_token").asText(""));
      if (token.isEmpty()) {
        throw new ProviderException.Auth(
            "registry " + name.registry() + ": the token service " + realm + " sent no token",
            null);
      }
      return token;
    } catch (IOException e) {
      throw new ProviderException.Unavailable(
          "registry " + name.registry() + ": the token service " + realm + " sent no JSON", e);
    }
  }

  private HttpResponse<byte[]> send(URI uri, String method, String authorization, ImageName name) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(TIMEOUT)
            .header("Accept", ACCEPT)
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new ProviderException.Unavailable(
          "registry " + name.registry() + " is unreachable (" + uri + "): " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderException.Unavailable(
          "interrupted while asking registry " + name.registry(), e);
    }
  }

  private void checkStatus(
      HttpResponse<byte[]> response, ImageName name, String what, boolean hadLogin) {
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return;
    }
    String prefix = "registry " + name.registry() + ": " + what + ": HTTP " + status;
    switch (status) {
      case 401, 403 ->
          throw new ProviderException.Auth(
              prefix
                  + (hadLogin
                      ? ", the credentials in " + credentials.configFile() + " were refused"
                      : ", and "
                          + credentials.configFile()
                          + " holds no login for it (docker login "
                          + name.registry()
                          + ")"),
              null);
      case 404 ->
          throw new ProviderException.InvalidSpec(
              prefix + ", manifest unknown: no such image", null);
      case 429 ->
          throw new ProviderException.RateLimited(
              prefix + ", too many requests",
              response
                  .headers()
                  .firstValue("Retry-After")
                  .flatMap(RegistryClient::seconds)
                  .orElse(Duration.ofSeconds(10)),
              null);
      default -> {
        if (status >= 500) {
          throw new ProviderException.Unavailable(prefix, null);
        }
        throw new ProviderException.InvalidSpec(prefix, null);
      }
    }
  }

  private static Optional<Duration> seconds(String value) {
    try {
      return Optional.of(Duration.ofSeconds(Long.parseLong(value.strip())));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static ImageName parseOrReject(String image) {
    try {
      return ImageName.parse(image);
    } catch (IllegalArgumentException e) {
      throw new ProviderException.InvalidSpec(e.getMessage(), e);
    }
  }

  private static String basic(RegistryCredentials.Login login) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString(
                (login.username() + ":" + login.password()).getBytes(StandardCharsets.UTF_8));
  }

  private static String sha256(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
