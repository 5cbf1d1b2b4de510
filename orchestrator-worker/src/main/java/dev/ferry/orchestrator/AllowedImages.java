package dev.ferry.orchestrator;

import dev.ferry.providers.ProviderException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The images a run may ask for ({@code FERRY_ALLOWED_IMAGES}): the orchestrator hands its
 * credentials to whatever image a run names, so the operator, not the caller, decides which.
 *
 * <p>A pattern is an image reference in which {@code *} stands for any run of characters ({@code
 * registry.example/team/*}, {@code ferry-external-worker:*}); it is matched against the whole
 * reference as the run wrote it, before the reference is pinned to a digest. A run that asks for a
 * digest ({@code name@sha256:...}) needs a pattern that matches that text. The configured image is
 * always allowed.
 *
 * @param patterns the operator's patterns, as written
 */
record AllowedImages(List<String> patterns) {

  static final String ENV = "FERRY_ALLOWED_IMAGES";

  AllowedImages {
    patterns = List.copyOf(patterns);
    for (String pattern : patterns) {
      if (pattern.isBlank() || pattern.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException(
            ENV + " must be comma-separated image patterns, had '" + pattern + "'");
      }
    }
  }

  /** No patterns: only the configured image. */
  static final AllowedImages ONLY_CONFIGURED = new AllowedImages(List.of());

  /**
   * Reads {@code FERRY_ALLOWED_IMAGES}.
   *
   * @throws IllegalArgumentException when a pattern holds whitespace or is empty
   */
  static AllowedImages fromEnvironment(Map<String, String> env) {
    String value = env.get(ENV);
    if (value == null || value.isBlank()) {
      return ONLY_CONFIGURED;
    }
    return new AllowedImages(Arrays.stream(value.split(",", -1)).map(String::strip).toList());
  }

  /** Whether {@code image} equals the configured one or matches a pattern. */
  boolean allows(String image, String configured) {
    return image.equals(configured)
        || patterns.stream().anyMatch(p -> glob(p).matcher(image).matches());
  }

  /**
   * Refuses an image the operator did not allow.
   *
   * @throws ProviderException.InvalidSpec naming the image and what is allowed
   */
  void check(String image, String configured) {
    if (image == null || allows(image, configured)) {
      return;
    }
    String allowed =
        patterns.isEmpty()
            ? (configured == null
                ? "this orchestrator has no configured image, and " + ENV + " is not set"
                : "this orchestrator runs only its configured image " + configured)
            : "allowed are "
                + (configured == null ? "" : configured + " and ")
                + patterns.stream().collect(Collectors.joining(", "))
                + " ("
                + ENV
                + ")";
    throw new ProviderException.InvalidSpec(
        "compute.image '" + image + "' is not allowed: " + allowed);
  }

  private static Pattern glob(String pattern) {
    String[] literals = pattern.split("\\*", -1);
    return Pattern.compile(
        Arrays.stream(literals).map(Pattern::quote).collect(Collectors.joining(".*")));
  }
}
