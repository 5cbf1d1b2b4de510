package dev.ferry.providers.digitalocean;

import dev.ferry.providers.WorkerLockdown;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The droplet's {@code user_data}: a shell script cloud-init runs once at first boot. It schedules
 * the power-off at the lease first (so the hard lifetime holds even if Ferry is gone and even if
 * the rest fails), then runs the worker image with the run's environment and powers off when the
 * worker ends.
 *
 * <p>The worker container is locked down as the docker provider's are ({@link WorkerLockdown}). Its
 * environment file is root's alone and is deleted once the shell has read it: {@code docker run -e
 * NAME} takes the value from the shell. Whatever is in {@code user_data}, secrets included, stays
 * in cloud-init's root-only copy of it and can be read back from the droplet's metadata service by
 * anything running on it, the worker's container included (it shares the droplet's network): give
 * the worker short-lived credentials.
 */
final class CloudInit {

  static final String CONTAINER = "ferry-worker";
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final DateTimeFormatter CALENDAR =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  private CloudInit() {}

  static final String ENV_FILE = "/root/ferry-worker.env.sh";

  static String script(String image, Map<String, String> env, Instant leaseExpiresAt) {
    return script(image, env, leaseExpiresAt, null, WorkerLockdown.DEFAULT);
  }

  /**
   * As above, with the container run under {@code lockdown}; with {@code registryCredentials}
   * ({@code user:token}) the droplet logs in to the image's registry first. Prefer a read-only,
   * short-lived token: it is readable on the droplet.
   */
  static String script(
      String image,
      Map<String, String> env,
      Instant leaseExpiresAt,
      String registryCredentials,
      WorkerLockdown lockdown) {
    StringBuilder s = new StringBuilder();
    s.append("#!/bin/sh\n");
    s.append("# Written by Ferry: one external worker, then power-off.\n");
    s.append("set -u\n");
    if (leaseExpiresAt != null) {
      String at = CALENDAR.format(leaseExpiresAt);
      s.append("# The hard lifetime: power off at the lease, whatever happens below.\n");
      s.append("systemd-run --on-calendar=")
          .append(quote(at))
          .append(" /sbin/poweroff || shutdown -P +")
          .append(minutesUntil(leaseExpiresAt))
          .append('\n');
    }
    s.append("umask 077\n");
    s.append("cat > " + ENV_FILE + " <<'FERRY_ENV_EOF'\n");
    StringBuilder passed = new StringBuilder();
    new TreeMap<>(env)
        .forEach(
            (key, value) -> {
              if (!ENV_NAME.matcher(key).matches()) {
                throw new IllegalArgumentException("invalid variable name '" + key + "'");
              }
              s.append("export ").append(key).append('=').append(quote(value)).append('\n');
              passed.append(" -e ").append(key);
            });
    s.append("FERRY_ENV_EOF\n");
    s.append(". " + ENV_FILE + "\n");
    s.append("rm -f " + ENV_FILE + "\n");
    if (registryCredentials != null && registryCredentials.contains(":")) {
      int colon = registryCredentials.indexOf(':');
      s.append("printf %s ")
          .append(quote(registryCredentials.substring(colon + 1)))
          .append(" | docker login ")
          .append(quote(registryHost(image)))
          .append(" -u ")
          .append(quote(registryCredentials.substring(0, colon)))
          .append(" --password-stdin\n");
    }
    s.append("docker run --name ").append(CONTAINER).append(" --network host");
    lockdown.dockerRunArguments().forEach(argument -> s.append(' ').append(quote(argument)));
    s.append(passed).append(' ').append(quote(image)).append('\n');
    s.append("echo \"ferry: worker exited with $?\" > /dev/console\n");
    s.append("/sbin/poweroff\n");
    return s.toString();
  }

  /** The registry host of an image reference; Docker Hub's when it names none. */
  static String registryHost(String image) {
    int slash = image.indexOf('/');
    if (slash > 0) {
      String first = image.substring(0, slash);
      if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
        return first;
      }
    }
    return "docker.io";
  }

  /** Single-quoted for sh: safe for any value, newlines included (PEM material). */
  static String quote(String value) {
    return "'" + value.replace("'", "'\\''") + "'";
  }

  private static long minutesUntil(Instant at) {
    long seconds = at.getEpochSecond() - Instant.now().getEpochSecond();
    return Math.max(1, (seconds + 59) / 60);
  }
}
