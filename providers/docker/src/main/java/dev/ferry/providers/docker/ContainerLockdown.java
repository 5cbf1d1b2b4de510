package dev.ferry.providers.docker;

import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import dev.ferry.providers.ProviderException;
import dev.ferry.providers.WorkerLockdown;
import java.util.List;
import java.util.Map;

/**
 * What a worker container may not do: the worker holds Temporal credentials and runs the caller's
 * commands, so it gets no capabilities, cannot gain privileges, cannot fork without bound, cannot
 * change its image's files and does not run as root.
 */
final class ContainerLockdown {

  /** The only writable place of a container, as the other providers make it too. */
  static final Map<String, String> SCRATCH =
      Map.of(WorkerLockdown.SCRATCH, WorkerLockdown.SCRATCH_OPTIONS);

  private ContainerLockdown() {}

  /** Locks {@code host} down. */
  static void apply(HostConfig host, DockerSettings settings) {
    host.withCapDrop(Capability.ALL)
        .withSecurityOpts(List.of(WorkerLockdown.NO_NEW_PRIVILEGES))
        .withPidsLimit(settings.pidsLimit())
        .withReadonlyRootfs(true)
        .withTmpFs(SCRATCH);
  }

  /**
   * Refuses an image that runs as root (no user, {@code root} or uid 0): a container's root is the
   * host's root with fewer capabilities.
   *
   * @param user the image's configured {@code USER}; null or empty when it sets none
   * @throws ProviderException.InvalidSpec naming the image and the setting that allows it
   */
  static void refuseRoot(String image, String user) {
    if (WorkerLockdown.runsAsRoot(user)) {
      throw new ProviderException.InvalidSpec(
          "image "
              + image
              + " runs as root (its USER is '"
              + (user == null ? "" : user)
              + "'): give it a non-root USER, or set "
              + DockerSettings.ALLOW_ROOT
              + "=true");
    }
  }
}
