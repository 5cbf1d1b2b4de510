package dev.ferry.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The credentials in an environment, and the redaction of their values from text that leaves a
 * process for workflow history (results, failures, heartbeats, log tails).
 *
 * <p>A variable holds a credential when its name says so: {@code TEMPORAL_GRPC_META_*}
 * (authorization headers), a name containing {@code TOKEN}, {@code SECRET} or {@code PASSWORD}
 * ({@code GITHUB_TOKEN}, {@code AWS_SECRET_ACCESS_KEY}), or one ending in {@code API_KEY}, {@code
 * KEY_DATA} or {@code PRIVATE_KEY} ({@code TEMPORAL_API_KEY}). Names are matched ignoring case.
 * Values shorter than {@value #MIN_LENGTH} characters are not redacted: replacing {@code true}
 * everywhere would hide more than it protects.
 */
public final class Secrets {

  /** What a redacted value is replaced with. */
  public static final String REDACTED = "[redacted]";

  /** Values shorter than this are left alone. */
  public static final int MIN_LENGTH = 8;

  private static final Pattern SECRET_NAME =
      Pattern.compile(
          "TEMPORAL_GRPC_META_.+|.*(TOKEN|SECRET|PASSWORD).*|.*(API_KEY|KEY_DATA|PRIVATE_KEY)",
          Pattern.CASE_INSENSITIVE);

  private static final Secrets NONE = new Secrets(List.of());

  /** Longest first, so that a secret containing another is replaced whole. */
  private final List<String> values;

  private Secrets(List<String> values) {
    this.values = values;
  }

  /** Whether a variable of this name holds a credential. */
  public static boolean isSecretName(String name) {
    return SECRET_NAME.matcher(name).matches();
  }

  /**
   * Whether user code a workload runs (a shell command, a pull request's check) must not see this
   * variable: the worker's connection to Temporal and every credential.
   */
  public static boolean isHiddenFromWorkloads(String name) {
    return name.startsWith("TEMPORAL_") || isSecretName(name);
  }

  /** No secrets: redacts nothing. */
  public static Secrets none() {
    return NONE;
  }

  /**
   * The values of the environment's credentials. A multi-line value (a PEM key) is also redacted
   * line by line, since output often shows it that way.
   */
  public static Secrets of(Map<String, String> env) {
    Set<String> values = new LinkedHashSet<>();
    env.forEach(
        (name, value) -> {
          if (value == null || !isSecretName(name)) {
            return;
          }
          add(values, value.strip());
          value.lines().map(String::strip).forEach(line -> add(values, line));
        });
    List<String> sorted = new ArrayList<>(values);
    sorted.sort(Comparator.comparingInt(String::length).reversed());
    return new Secrets(List.copyOf(sorted));
  }

  /** These secrets and the other's. */
  public Secrets and(Secrets other) {
    Set<String> union = new LinkedHashSet<>(values);
    union.addAll(other.values);
    List<String> sorted = new ArrayList<>(union);
    sorted.sort(Comparator.comparingInt(String::length).reversed());
    return new Secrets(List.copyOf(sorted));
  }

  private static void add(Set<String> values, String value) {
    if (value.length() >= MIN_LENGTH) {
      values.add(value);
    }
  }

  /** Whether there is anything to redact. */
  public boolean isEmpty() {
    return values.isEmpty();
  }

  /** The text with every secret value replaced by {@value #REDACTED}; null stays null. */
  public String redact(String text) {
    if (text == null || values.isEmpty()) {
      return text;
    }
    String result = text;
    for (String value : values) {
      result = result.replace(value, REDACTED);
    }
    return result;
  }

  /** Every line redacted. */
  public List<String> redact(List<String> lines) {
    if (lines == null || values.isEmpty()) {
      return lines;
    }
    return lines.stream().map(this::redact).toList();
  }

  /** A copy of the JSON with every string value (and field name) redacted; null stays null. */
  public JsonNode redact(JsonNode node) {
    if (node == null || values.isEmpty()) {
      return node;
    }
    if (node.isTextual()) {
      return TextNode.valueOf(redact(node.textValue()));
    }
    if (node.isArray()) {
      ArrayNode copy = ((ArrayNode) node).arrayNode();
      node.forEach(element -> copy.add(redact(element)));
      return copy;
    }
    if (node.isObject()) {
      ObjectNode copy = ((ObjectNode) node).objectNode();
      node.fields()
          .forEachRemaining(field -> copy.set(redact(field.getKey()), redact(field.getValue())));
      return copy;
    }
    return node;
  }
}
