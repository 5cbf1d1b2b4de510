package dev.ferry.providers.digitalocean;

import dev.ferry.providers.digitalocean.AppModels.ImageSource;

/**
 * An image reference taken apart the way App Platform's image source wants it: registry type (DOCR,
 * DOCKER_HUB, GHCR, the only registries it pulls from), registry, repository, tag or digest.
 *
 * @param registryType {@code DOCR}, {@code DOCKER_HUB} or {@code GHCR}
 * @param registry the Docker Hub or GitHub namespace; null for DOCR (the account's own registry)
 * @param repository the repository within it
 * @param tag the tag; null when a digest is given
 * @param digest {@code sha256:...}; null when a tag is given
 */
record ImageReference(
    String registryType, String registry, String repository, String tag, String digest) {

  static final String DOCR_HOST = "registry.digitalocean.com";
  static final String GHCR_HOST = "ghcr.io";

  /**
   * Parses {@code image}.
   *
   * @throws IllegalArgumentException when App Platform cannot pull from the image's registry
   */
  static ImageReference parse(String image) {
    String rest = image.strip();
    String digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = rest.substring(at + 1);
      rest = rest.substring(0, at);
    }
    String tag = null;
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
    }
    if (digest == null && tag == null) {
      tag = "latest";
    }
    if (digest != null) {
      // App Platform takes a tag or a digest, never both; the digest is the exact one.
      tag = null;
    }
    String host = null;
    int slash = rest.indexOf('/');
    if (slash > 0) {
      String first = rest.substring(0, slash);
      if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
        host = first;
        rest = rest.substring(slash + 1);
      }
    }
    if (rest.isEmpty()) {
      throw new IllegalArgumentException("image '" + image + "' names no repository");
    }
    if (host == null || host.equals("docker.io") || host.equals("index.docker.io")) {
      String[] parts = split(rest);
      return new ImageReference(
          "DOCKER_HUB", parts[0] == null ? "library" : parts[0], parts[1], tag, digest);
    }
    if (host.equals(DOCR_HOST)) {
      String[] parts = split(rest);
      if (parts[0] == null) {
        throw new IllegalArgumentException(
            "image '" + image + "' must be " + DOCR_HOST + "/REGISTRY/REPOSITORY[:TAG]");
      }
      return new ImageReference("DOCR", null, parts[1], tag, digest);
    }
    if (host.equals(GHCR_HOST)) {
      String[] parts = split(rest);
      if (parts[0] == null) {
        throw new IllegalArgumentException(
            "image '" + image + "' must be " + GHCR_HOST + "/OWNER/REPOSITORY[:TAG]");
      }
      return new ImageReference("GHCR", parts[0], parts[1], tag, digest);
    }
    throw new IllegalArgumentException(
        "image '"
            + image
            + "' is on "
            + host
            + ", but App Platform pulls only from DigitalOcean's registry, Docker Hub or GHCR");
  }

  /** The App Platform image source, with pull credentials where the registry type takes them. */
  ImageSource toSource(String credentials) {
    boolean takesCredentials = !registryType.equals("DOCR");
    return new ImageSource(
        registryType,
        registry,
        repository,
        tag,
        digest,
        takesCredentials && credentials != null && !credentials.isBlank() ? credentials : null);
  }

  /** {@code namespace/repo/more} → [namespace, repo/more]; a single name → [null, name]. */
  private static String[] split(String path) {
    int slash = path.indexOf('/');
    return slash < 0
        ? new String[] {null, path}
        : new String[] {path.substring(0, slash), path.substring(slash + 1)};
  }
}
