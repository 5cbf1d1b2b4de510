package dev.ferry.orchestrator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * The signed tokens in callback URLs: URL-safe base64 of the run attempt they stand for, a dot, and
 * the URL-safe base64 HMAC-SHA256 of it under {@code FERRY_CALLBACK_SECRET}.
 *
 * <p>A token names the attempt (workflow id, run id, attempt number) rather than the activity's
 * task token because the compute's environment is fixed when it is provisioned, before its workload
 * activity exists; the endpoint finds that activity from the attempt.
 */
final class CallbackTokens {

  /**
   * One attempt a token stands for.
   *
   * @param workflowId the run's workflow id
   * @param runId the run's run id
   * @param attempt the compute attempt, 1-based
   */
  record Attempt(String workflowId, String runId, int attempt) {}

  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private final byte[] secret;
  private final String publicUrl;

  CallbackTokens(byte[] secret, String publicUrl) {
    this.secret = secret.clone();
    this.publicUrl = publicUrl;
  }

  /**
   * From {@code FERRY_CALLBACK_SECRET} and {@code FERRY_PUBLIC_URL}; without a secret, a random one
   * for this process, so callbacks of runs started before a restart are refused (401).
   */
  static CallbackTokens fromEnvironment(Map<String, String> env) {
    String configured = env.get("FERRY_CALLBACK_SECRET");
    byte[] secret;
    if (configured == null || configured.isBlank()) {
      secret = new byte[32];
      new SecureRandom().nextBytes(secret);
    } else {
      secret = configured.strip().getBytes(StandardCharsets.UTF_8);
    }
    return new CallbackTokens(secret, GitHubSettings.fromEnvironment(env).publicUrl());
  }

  String url(String workflowId, String runId, int attempt) {
    return publicUrl + CallbackRoutes.PATH_PREFIX + token(new Attempt(workflowId, runId, attempt));
  }

  String token(Attempt attempt) {
    byte[] payload =
        (attempt.workflowId() + "\n" + attempt.runId() + "\n" + attempt.attempt())
            .getBytes(StandardCharsets.UTF_8);
    return ENCODER.encodeToString(payload)
        + "."
        + ENCODER.encodeToString(WebhookSignature.hmac(secret, payload));
  }

  /** The attempt a genuine token stands for; empty for anything forged or malformed. */
  Optional<Attempt> verify(String token) {
    int dot = token.indexOf('.');
    if (dot <= 0 || dot != token.lastIndexOf('.')) {
      return Optional.empty();
    }
    byte[] payload;
    byte[] signature;
    try {
      payload = DECODER.decode(token.substring(0, dot));
      signature = DECODER.decode(token.substring(dot + 1));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    if (!MessageDigest.isEqual(WebhookSignature.hmac(secret, payload), signature)) {
      return Optional.empty();
    }
    String[] parts = new String(payload, StandardCharsets.UTF_8).split("\n", -1);
    if (parts.length != 3) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Attempt(parts[0], parts[1], Integer.parseInt(parts[2])));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
