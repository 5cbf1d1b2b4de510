package dev.ferry.api;

/**
 * Names one provisioned resource; {@code name} alone is enough to find it again.
 *
 * @param provider the provider that owns it
 * @param name the Ferry-derived name, unique per run attempt
 * @param resourceId the provider's own id (container id, job id, ...); null when not known yet
 */
public record ComputeHandle(String provider, String name, String resourceId) {

  public ComputeHandle {
    if (provider == null || provider.isBlank()) {
      throw new IllegalArgumentException("handle.provider must be set");
    }
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("handle.name must be set");
    }
  }

  public static ComputeHandle named(String provider, String name) {
    return new ComputeHandle(provider, name, null);
  }
}
