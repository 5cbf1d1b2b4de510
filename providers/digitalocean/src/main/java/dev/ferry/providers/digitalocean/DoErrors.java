package dev.ferry.providers.digitalocean;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.providers.ProviderException;
import java.io.IOException;
import java.time.Duration;

/**
 * Translates DigitalOcean's error responses ({@code {"id": "...", "message": "..."}}) into {@link
 * ProviderException}s, keeping DigitalOcean's id and message, so nothing DigitalOcean-specific
 * leaves the providers.
 */
final class DoErrors {

  /** DigitalOcean's error body; either field may be missing from a proxy's error page. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record ErrorBody(String id, String message) {}

  private DoErrors() {}

  /**
   * The neutral form of an error response to {@code action}.
   *
   * @param retryAfter how long DigitalOcean asked to wait (429 only); null when it did not say
   */
  static ProviderException translate(
      String action, int status, String body, Duration retryAfter, ObjectMapper json) {
    return translate(action, status, reason(body, json), retryAfter);
  }

  /** As above, with DigitalOcean's {@code id: message} already taken from the body. */
  static ProviderException translate(
      String action, int status, String reason, Duration retryAfter) {
    String message = "digitalocean: " + action + ": HTTP " + status + " " + reason;
    return switch (status) {
      case 401, 403 -> new ProviderException.Auth(message, null);
      case 404 -> new ProviderException.NotFound(message, null);
      case 400, 409, 422 -> new ProviderException.InvalidSpec(message);
      case 402 -> new ProviderException.Quota(message, null);
      case 429 ->
          new ProviderException.RateLimited(
              message, retryAfter == null ? Duration.ofSeconds(1) : retryAfter, null);
      default -> new ProviderException.Unavailable(message, null);
    };
  }

  /** DigitalOcean's {@code id: message}, or the start of a body that is not its error JSON. */
  static String reason(String body, ObjectMapper json) {
    if (body == null || body.isBlank()) {
      return "(no body)";
    }
    try {
      ErrorBody error = json.readValue(body, ErrorBody.class);
      if (error.id() != null || error.message() != null) {
        return error.id() + ": " + error.message();
      }
    } catch (IOException e) {
      // Not DigitalOcean's JSON (a proxy's page, say): shown as it is, shortened.
    }
    String text = body.strip();
    return text.length() > 200 ? text.substring(0, 200) + "…" : text;
  }
}
