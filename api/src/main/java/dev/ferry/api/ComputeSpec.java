package dev.ferry.api;

import java.util.Map;

/**
 * What compute a run wants; unset fields are filled from the orchestrator's configuration.
 *
 * @param provider provider id ({@code local}, {@code docker}, ...); null for the default
 * @param image external-worker image; null for the configured one
 * @param cpus CPUs to reserve; 0 for the provider's default
 * @param memoryMb memory limit in MiB; 0 for the provider's default
 * @param region where to run, for providers that have regions; null for the default
 * @param env extra environment for the worker (never secrets: those are added at provision time)
 */
public record ComputeSpec(
    String provider,
    String image,
    double cpus,
    int memoryMb,
    String region,
    Map<String, String> env) {

  /**
   * Fills unset fields; every bound (provider id, cpus, memory, env names and size) is {@link
   * RequestBounds}'s to check, so that a tighter rule never makes a recorded run unreadable.
   */
  public ComputeSpec {
    if (image != null && image.isBlank()) {
      image = null;
    }
    env = env == null ? Map.of() : Map.copyOf(env);
  }

  public static ComputeSpec defaults() {
    return new ComputeSpec(null, null, 0, 0, null, Map.of());
  }

  public ComputeSpec withProvider(String newProvider) {
    return new ComputeSpec(newProvider, image, cpus, memoryMb, region, env);
  }

  public ComputeSpec withEnv(Map<String, String> newEnv) {
    return new ComputeSpec(provider, image, cpus, memoryMb, region, newEnv);
  }

  public ComputeSpec withImage(String newImage) {
    return new ComputeSpec(provider, newImage, cpus, memoryMb, region, env);
  }
}
