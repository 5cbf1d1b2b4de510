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

  private static final String HASHED = "sha256-";

  private DropletTags() {}

  static List<String> of(Map<String, String> labels) {
    return new TreeMap<>(labels)
        .entrySet().stream().map(e -> tag(e.getKey(), e.getValue())).toList();
  }

  /**
   * The labels a droplet's tags encode; tags that are no label, and labels whose value was too long
   * and is only a hash now, are left out.
   */
  static Map<String, String> labels(List<String> tags) {
    Map<String, String> labels = new TreeMap<>();
    if (tags == null) {
      return labels;
    }
    for (String tag : tags) {
      int colon = tag.indexOf(':');
      if (colon <= 0 || colon != tag.lastIndexOf(':')) {
        continue;
      }
      String value = tag.substring(colon + 1);
      if (value.startsWith(HASHED) && tag.length() == colon + 1 + HASHED.length() + 32) {
        continue;
      }
      try {
        labels.put(decode(tag.substring(0, colon)), decode(value));
      } catch (IllegalArgumentException e) {
        // Not one of Ferry's encodings: someone else's tag.
      }
    }
    return labels;
  }

  static String tag(String key, String value) {
    String tag = encode(key) + ":" + encode(value);
    if (tag.length() <= MAX_LENGTH) {
      return tag;
    }
    return encode(key) + ":" + HASHED + sha256(value);
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

  static String decode(String text) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '_') {
        if (i + 2 >= text.length()) {
          throw new IllegalArgumentException("truncated escape in " + text);
        }
        out.write(HexFormat.fromHexDigits(text, i + 1, i + 3));
        i += 2;
      } else {
        out.write(c);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
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
