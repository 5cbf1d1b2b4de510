package dev.ferry.orchestrator;

import java.util.Map;

/**
 * The orchestrator's GitHub and public-URL settings.
 *
 * @param apiUrl {@code GITHUB_API_URL}, default {@value #DEFAULT_API_URL}
 * @param token {@code GITHUB_TOKEN}; null to log commit statuses instead of setting them
 * @param webhookSecret {@code GITHUB_WEBHOOK_SECRET}; null to refuse every webhook
 * @param publicUrl {@code FERRY_PUBLIC_URL}, where links in statuses and callback URLs point;
 *     default the HTTP API on loopback
 */
record GitHubSettings(String apiUrl, String token, String webhookSecret, String publicUrl) {

  static final String DEFAULT_API_URL = "https://api.github.com";
  static final String DEFAULT_PUBLIC_URL = "http://127.0.0.1:6007";

  static GitHubSettings fromEnvironment(Map<String, String> env) {
    return new GitHubSettings(
        trimSlash(orDefault(env.get("GITHUB_API_URL"), DEFAULT_API_URL)),
        blankToNull(env.get("GITHUB_TOKEN")),
        blankToNull(env.get("GITHUB_WEBHOOK_SECRET")),
        trimSlash(orDefault(env.get("FERRY_PUBLIC_URL"), defaultPublicUrl(env))));
  }

  /** The HTTP API on loopback, at {@code FERRY_HTTP_PORT} when that names a port. */
  private static String defaultPublicUrl(Map<String, String> env) {
    String port = env.get("FERRY_HTTP_PORT");
    return port != null && port.strip().matches("[1-9][0-9]{0,4}")
        ? "http://127.0.0.1:" + port.strip()
        : DEFAULT_PUBLIC_URL;
  }

  private static String orDefault(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value.strip();
  }

  private static String trimSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }
}
