package dev.ferry.providers.registry;

/**
 * An image reference taken apart the way the registry HTTP API v2 needs it.
 *
 * @param registry the registry host (and port); {@code docker.io} when the reference names none
 * @param repository the repository path within it ({@code library/x} for Docker Hub's own images)
 * @param tag the tag; null when only a digest is given
 * @param digest {@code sha256:...}; null when the reference is not pinned
 * @param explicitRegistry whether the reference itself named the registry
 */
public record ImageName(
    String registry, String repository, String tag, String digest, boolean explicitRegistry) {

  public static final String DOCKER_HUB = "docker.io";

  public ImageName {
    if (repository == null || repository.isEmpty()) {
      throw new IllegalArgumentException("an image reference needs a repository");
    }
  }

  /**
   * Parses {@code image} as Docker does: {@code [HOST[:PORT]/]PATH[:TAG][@DIGEST]}; the first part
   * is a host only when it holds a dot or a colon or is {@code localhost}; no tag means latest.
   *
   * @throws IllegalArgumentException when it is not a reference
   */
  public static ImageName parse(String image) {
    if (image == null || image.isBlank() || !image.equals(image.strip())) {
      throw new IllegalArgumentException("'" + image + "' is not an image reference");
    }
    String rest = image;
    String digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = rest.substring(at + 1);
      rest = rest.substring(0, at);
      if (!digest.matches("sha256:[0-9a-f]{64}")) {
        throw new IllegalArgumentException(
            "image '" + image + "' has a digest that is not sha256:<64 hex digits>");
      }
    }
    String tag = null;
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
      if (tag.isEmpty()) {
        throw new IllegalArgumentException("image '" + image + "' has an empty tag");
      }
    }
    if (tag == null && digest == null) {
      tag = "latest";
    }
    String registry = DOCKER_HUB;
    boolean explicit = false;
    int slash = rest.indexOf('/');
    if (slash > 0) {
      String first = rest.substring(0, slash);
      if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
        registry = first;
        explicit = true;
        rest = rest.substring(slash + 1);
      }
    }
    if (rest.isEmpty() || rest.startsWith("/") || rest.endsWith("/")) {
      throw new IllegalArgumentException("image '" + image + "' names no repository");
    }
    if (registry.equals("index.docker.io") || registry.equals("registry-1.docker.io")) {
      registry = DOCKER_HUB;
    }
    if (registry.equals(DOCKER_HUB) && !rest.contains("/")) {
      rest = "library/" + rest;
    }
    return new ImageName(registry, rest, tag, digest, explicit);
  }

  /** Whether the reference already names one exact image. */
  public boolean pinned() {
    return digest != null;
  }

  /**
   * What to ask the registry's manifest endpoint for: the digest when there is one, else the tag.
   */
  public String manifestReference() {
    return digest != null ? digest : tag;
  }

  /** {@code REGISTRY/REPOSITORY@DIGEST}, the reference every attempt of a run uses. */
  public String pinnedTo(String newDigest) {
    return (explicitRegistry ? registry + "/" : "") + shortRepository() + "@" + newDigest;
  }

  /** The base URL of the registry's API: plain HTTP on loopback (as Docker allows), else HTTPS. */
  public String apiBase() {
    if (registry.equals(DOCKER_HUB)) {
      return "https://registry-1.docker.io";
    }
    String host =
        registry.contains(":") ? registry.substring(0, registry.lastIndexOf(':')) : registry;
    boolean loopback = host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]");
    return (loopback ? "http://" : "https://") + registry;
  }

  /** The keys {@code docker login} may have stored this registry's credentials under. */
  public java.util.List<String> credentialKeys() {
    if (registry.equals(DOCKER_HUB)) {
      return java.util.List.of(
          "https://index.docker.io/v1/", "index.docker.io", "docker.io", "registry-1.docker.io");
    }
    return java.util.List.of(registry, "https://" + registry, "http://" + registry);
  }

  private String shortRepository() {
    return !explicitRegistry && repository.startsWith("library/")
        ? repository.substring("library/".length())
        : repository;
  }
}
