package dev.ferry.orchestrator;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** GitHub's {@code X-Hub-Signature-256}: {@code sha256=} and the hex HMAC-SHA256 of the body. */
final class WebhookSignature {

  private WebhookSignature() {}

  static String sign(String secret, byte[] body) {
    return "sha256="
        + HexFormat.of().formatHex(hmac(secret.getBytes(StandardCharsets.UTF_8), body));
  }

  /** Whether the header is the body's signature; compared in constant time. */
  static boolean valid(String secret, byte[] body, String header) {
    if (secret == null || header == null) {
      return false;
    }
    return MessageDigest.isEqual(
        sign(secret, body).getBytes(StandardCharsets.US_ASCII),
        header.strip().getBytes(StandardCharsets.US_ASCII));
  }

  static byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
