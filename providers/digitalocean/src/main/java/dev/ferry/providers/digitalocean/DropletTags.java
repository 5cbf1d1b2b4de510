package dev.ferry.providers.digitalocean;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Ferry's labels as droplet tags. DigitalOcean tags allow only {@code [a-zA-Z0-9_:-]} and 255
 * characters, so each label becomes {@code key:value} with every other character, and {@code _} and
 * {@code :} themselves, written as {@code _xx} (hex); a tag that would still be too long ends in a
 * hash of its value. Selectors are encoded the same way, so matching compares tags.
 */
final class DropletTags {

  static final int MAX_LENGTH = 255;

  private DropletTags() {}

  static List<String> of(Map<String, String> labels) {
    return new TreeMap<>(labels)
        .entrySet().stream().map(e -> tag(e.getKey(), e.getValue())).toList();
  }

  static String tag(String key, String value) {
    String tag = encode(key) + ":" + encode(value);
    if (tag.length() <= MAX_LENGTH) {
      return tag;
    }
    return encode(key) + ":sha256-" + sha256(value);
  }

  static String encode(String text) {
    StringBuilder out = new StringBuilder();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if (c < 0x80 && (Character.isLetterOrDigit(c) || c == '-')) {
        out.append(c);
      } else {
        out.append('_').append(HexFormat.of().toHexDigits(b));
      }
    }
    return out.toString();
  }

  private static String sha256(String value) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
