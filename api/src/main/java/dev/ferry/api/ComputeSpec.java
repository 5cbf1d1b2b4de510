package dev.ferry.api;

import java.util.Map;
import java.util.regex.Pattern;

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

  private static final Pattern PROVIDER_ID = Pattern.compile("[a-z][a-z0-9-]*");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  public ComputeSpec {
    if (provider != null && !PROVIDER_ID.matcher(provider).matches()) {
      throw new IllegalArgumentException(
          "compute.provider must be a provider id like 'local' or 'docker', was '"
              + provider
              + "'");
    }
    if (image != null && image.isBlank()) {
      image = null;
    }
    if (cpus < 0 || Double.isNaN(cpus) || Double.isInfinite(cpus)) {
      throw new IllegalArgumentException(
          "compute.cpus must be 0 (default) or positive, was " + cpus);
    }
    if (memoryMb < 0) {
      throw new IllegalArgumentException(
          "compute.memoryMb must be 0 (default) or positive, was " + memoryMb);
    }
    env = env == null ? Map.of() : Map.copyOf(env);
    for (String name : env.keySet()) {
      if (!ENV_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "compute.env has an invalid variable name '" + name + "'");
      }
    }
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
