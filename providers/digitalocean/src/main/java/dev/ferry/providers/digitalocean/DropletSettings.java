package dev.ferry.providers.digitalocean;

import dev.ferry.providers.WorkerLockdown;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What {@code do-droplet} adds to the shared settings.
 *
 * @param region the datacenter slug ({@code FERRY_DO_REGION}, e.g. {@code nyc3})
 * @param size the droplet size slug ({@code FERRY_DO_DROPLET_SIZE})
 * @param image a Docker-ready image slug ({@code FERRY_DO_DROPLET_IMAGE})
 * @param registryCredentials {@code user:token} the droplet logs in to the worker image's registry
 *     with ({@code FERRY_DO_REGISTRY_CREDENTIALS}); null for a public image
 * @param lockdown the user the worker container runs as ({@code FERRY_WORKER_USER}) and its pids
 *     limit
 */
record DropletSettings(
    String region, String size, String image, String registryCredentials, WorkerLockdown lockdown) {

  static final String SIZE = "FERRY_DO_DROPLET_SIZE";
  static final String IMAGE = "FERRY_DO_DROPLET_IMAGE";
  static final String DEFAULT_SIZE = "s-1vcpu-2gb";
  static final String DEFAULT_IMAGE = "docker-20-04";

  /** DigitalOcean's datacenters. */
  static final List<String> REGIONS =
      List.of(
          "nyc1", "nyc2", "nyc3", "sfo1", "sfo2", "sfo3", "ams2", "ams3", "sgp1", "lon1", "fra1",
          "tor1", "blr1", "syd1", "atl1");

  private static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9.-]*");

  /**
   * Reads and checks the droplet settings.
   *
   * @throws IllegalArgumentException naming the bad variable
   */
  static DropletSettings fromEnv(Map<String, String> env, DoSettings shared) {
    if (!"https".equals(shared.apiUrl().getScheme())) {
      throw new IllegalArgumentException(
          DoSettings.API_URL
              + "="
              + shared.apiUrl()
              + ": provider 'do-droplet' speaks HTTPS only (its client library has no other"
              + " scheme)");
    }
    if (!REGIONS.contains(shared.region())) {
      throw new IllegalArgumentException(
          DoSettings.REGION
              + "="
              + shared.region()
              + " is not a droplet region; DigitalOcean lists "
              + String.join(", ", REGIONS));
    }
    return new DropletSettings(
        shared.region(),
        slug(env, SIZE, DEFAULT_SIZE),
        slug(env, IMAGE, DEFAULT_IMAGE),
        shared.registryCredentials(),
        WorkerLockdown.fromEnv(env));
  }

  private static String slug(Map<String, String> env, String variable, String otherwise) {
    String value = env.getOrDefault(variable, otherwise).strip();
    if (!SLUG.matcher(value).matches()) {
      throw new IllegalArgumentException(
          variable + " must be a DigitalOcean slug like " + otherwise + ", was '" + value + "'");
    }
    return value;
  }
}
