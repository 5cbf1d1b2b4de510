package dev.ferry.providers;

import java.util.Map;

/**
 * Makes a {@link ComputeProvider} from the environment; found through {@link
 * java.util.ServiceLoader}, so a provider is added by putting its jar on the class path.
 */
public interface ComputeProviderFactory {

  /** The provider id this factory makes. */
  String id();

  /**
   * Builds the provider from environment variables.
   *
   * @throws IllegalArgumentException naming the missing or bad variable: retrying will not help
   * @throws ProviderException.Unavailable when the platform cannot be reached now (an engine that
   *     is restarting, a network blip): a later call may succeed
   */
  ComputeProvider create(Map<String, String> env);
}
