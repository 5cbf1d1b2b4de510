package dev.ferry.providers.digitalocean;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What both DigitalOcean providers are configured with, read once from the environment and checked
 * before anything is created.
 *
 * @param apiUrl DigitalOcean's API ({@code FERRY_DO_API_URL}; tests point it at a mock)
 * @param token the API token ({@code DIGITALOCEAN_ACCESS_TOKEN})
 * @param region the region slug ({@code FERRY_DO_REGION}): {@code nyc} or a datacenter {@code nyc3}
 * @param image the external-worker image ({@code FERRY_IMAGE} or {@code IMAGE_*})
 * @param registryCredentials {@code user:token} to pull a private Docker Hub or GHCR image
 * @param temporalAddress Temporal's address as the compute sees it
 */
record DoSettings(
    URI apiUrl,
    String token,
    String region,
    String image,
    String registryCredentials,
    String temporalAddress) {

  static final String TOKEN = "DIGITALOCEAN_ACCESS_TOKEN";
  static final String API_URL = "FERRY_DO_API_URL";
  static final String REGION = "FERRY_DO_REGION";
  static final String INSTANCE_SIZE = "FERRY_DO_INSTANCE_SIZE";
  static final String REGISTRY_CREDENTIALS = "FERRY_DO_REGISTRY_CREDENTIALS";
  static final String EXTERNAL_TEMPORAL_ADDRESS = "FERRY_EXTERNAL_TEMPORAL_ADDRESS";
  static final String DEFAULT_API_URL = "https://api.digitalocean.com";

  /** App Platform's regions, from DigitalOcean's specification ({@code app_spec.region}). */
  static final List<String> APP_REGIONS =
      List.of("atl", "nyc", "sfo", "tor", "ams", "fra", "lon", "blr", "sgp", "syd");

  /** App Platform's instance sizes ({@code app_component_instance_base.instance_size_slug}). */
  static final List<String> APP_INSTANCE_SIZES =
      List.of(
          "apps-s-1vcpu-0.5gb",
          "apps-s-1vcpu-1gb-fixed",
          "apps-s-1vcpu-1gb",
          "apps-s-1vcpu-2gb",
          "apps-s-2vcpu-4gb",
          "apps-d-1vcpu-0.5gb",
          "apps-d-1vcpu-1gb",
          "apps-d-1vcpu-2gb",
          "apps-d-1vcpu-4gb",
          "apps-d-2vcpu-4gb",
          "apps-d-2vcpu-8gb",
          "apps-d-4vcpu-8gb",
          "apps-d-4vcpu-16gb",
          "apps-d-8vcpu-32gb");

  /** The JVM worker wants more than the platform's 0.5 GB default. */
  static final String DEFAULT_APP_INSTANCE_SIZE = "apps-s-1vcpu-1gb";

  private static final Pattern DATACENTER = Pattern.compile("([a-z]{3})[0-9]");

  /**
   * Reads and checks the settings both providers share.
   *
   * @throws IllegalArgumentException naming the missing or bad variable
   */
  static DoSettings fromEnv(Map<String, String> env, String providerId) {
    String token = blankToNull(env.get(TOKEN));
    if (token == null) {
      throw new IllegalArgumentException(
          TOKEN + " must be set for provider '" + providerId + "' (a DigitalOcean API token)");
    }
    String region = blankToNull(env.get(REGION));
    if (region == null) {
      throw new IllegalArgumentException(
          REGION
              + " must be set for provider '"
              + providerId
              + "', e.g. nyc (App Platform) or nyc3 (droplets)");
    }
    String image = image(env, providerId);
    String external = blankToNull(env.get(EXTERNAL_TEMPORAL_ADDRESS));
    String source = null;
    if (external == null) {
      external = blankToNull(env.get("TEMPORAL_ADDRESS"));
      source = "TEMPORAL_ADDRESS";
    }
    TemporalReachability.requirePublic(EXTERNAL_TEMPORAL_ADDRESS, source, external, providerId);
    return new DoSettings(
        apiUrl(env.getOrDefault(API_URL, DEFAULT_API_URL)),
        token,
        region.strip(),
        image,
        blankToNull(env.get(REGISTRY_CREDENTIALS)),
        external);
  }

  /** The App Platform region: {@code nyc}, or the region of a datacenter slug like {@code nyc3}. */
  String appRegion() {
    return appRegion(region)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    REGION
                        + "="
                        + region
                        + " is not an App Platform region; DigitalOcean lists "
                        + String.join(", ", APP_REGIONS)));
  }

  /** {@code value} as an App Platform region, if it is one or a datacenter of one. */
  static java.util.Optional<String> appRegion(String value) {
    var datacenter = DATACENTER.matcher(value);
    String slug = datacenter.matches() ? datacenter.group(1) : value;
    return APP_REGIONS.contains(slug) ? java.util.Optional.of(slug) : java.util.Optional.empty();
  }

  /** {@code FERRY_DO_INSTANCE_SIZE}, checked against the sizes App Platform lists. */
  static String appInstanceSize(Map<String, String> env) {
    String size = env.getOrDefault(INSTANCE_SIZE, DEFAULT_APP_INSTANCE_SIZE).strip();
    if (!APP_INSTANCE_SIZES.contains(size)) {
      throw new IllegalArgumentException(
          INSTANCE_SIZE
              + "="
              + size
              + " is not an App Platform instance size; DigitalOcean lists "
              + String.join(", ", APP_INSTANCE_SIZES));
    }
    return size;
  }

  private static String image(Map<String, String> env, String providerId) {
    String image = blankToNull(env.get("FERRY_IMAGE"));
    if (image != null) {
      return image;
    }
    String repository = blankToNull(env.get("IMAGE_REPOSITORY"));
    if (repository == null) {
      throw new IllegalArgumentException(
          "FERRY_IMAGE (or IMAGE_REGISTRY + IMAGE_REPOSITORY + IMAGE_TAG) must be set for provider '"
              + providerId
              + "': the external-worker image, pushed to a registry it can pull from");
    }
    String registry = blankToNull(env.get("IMAGE_REGISTRY"));
    return (registry == null ? "" : registry + "/")
        + repository
        + ":"
        + env.getOrDefault("IMAGE_TAG", "latest");
  }

  private static URI apiUrl(String value) {
    try {
      URI uri = new URI(value.strip());
      if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())
          || uri.getHost() == null) {
        throw new IllegalArgumentException(
            API_URL + " must be an http(s) URL like " + DEFAULT_API_URL + ", was '" + value + "'");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          API_URL + " must be an http(s) URL like " + DEFAULT_API_URL + ", was '" + value + "'", e);
    }
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }

  /** Keeps the token out of logs and exception messages. */
  @Override
  public String toString() {
    return "DoSettings[apiUrl=" + apiUrl + ", region=" + region + ", image=" + image + "]";
  }
}
