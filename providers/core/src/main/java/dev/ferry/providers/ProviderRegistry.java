package dev.ferry.providers;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

/** Looks providers up by id; each is made once, on first use, from the environment. */
public final class ProviderRegistry {

  private final SortedMap<String, Function<Map<String, String>, ComputeProvider>> factories;
  private final Map<String, String> env;
  private final ConcurrentMap<String, ComputeProvider> made = new ConcurrentHashMap<>();

  private ProviderRegistry(
      SortedMap<String, Function<Map<String, String>, ComputeProvider>> factories,
      Map<String, String> env) {
    this.factories = factories;
    this.env = env;
  }

  /** Every provider on the class path, configured from {@code env}. */
  public static ProviderRegistry load(Map<String, String> env) {
    SortedMap<String, Function<Map<String, String>, ComputeProvider>> factories = new TreeMap<>();
    for (ComputeProviderFactory factory : ServiceLoader.load(ComputeProviderFactory.class)) {
      factories.put(factory.id(), factory::create);
    }
    return new ProviderRegistry(factories, Map.copyOf(env));
  }

  /** Exactly these providers, already made. */
  public static ProviderRegistry of(ComputeProvider... providers) {
    SortedMap<String, Function<Map<String, String>, ComputeProvider>> factories = new TreeMap<>();
    for (ComputeProvider provider : providers) {
      factories.put(provider.id(), env -> provider);
    }
    return new ProviderRegistry(factories, Map.of());
  }

  /** Providers made by these factories, configured from {@code env}. */
  public static ProviderRegistry of(Map<String, String> env, ComputeProviderFactory... factories) {
    SortedMap<String, Function<Map<String, String>, ComputeProvider>> made = new TreeMap<>();
    for (ComputeProviderFactory factory : factories) {
      made.put(factory.id(), factory::create);
    }
    return new ProviderRegistry(made, Map.copyOf(env));
  }

  /** The ids this registry knows, sorted. */
  public List<String> ids() {
    return List.copyOf(factories.keySet());
  }

  /**
   * The provider with this id, made on first use; a provider that could not be made is tried again
   * on the next call.
   *
   * @throws ProviderException.InvalidSpec when no provider has the id, listing those that do, or
   *     when the provider's configuration is wrong
   * @throws ProviderException when the factory could not reach its platform (typically {@link
   *     ProviderException.Unavailable}): worth retrying
   */
  public ComputeProvider get(String id) {
    var factory = factories.get(id);
    if (factory == null) {
      throw new ProviderException.InvalidSpec(
          "unknown provider '" + id + "'; known providers: " + String.join(", ", ids()));
    }
    try {
      return made.computeIfAbsent(id, key -> factory.apply(env));
    } catch (IllegalArgumentException e) {
      throw new ProviderException.InvalidSpec(
          "provider '" + id + "' is not configured: " + e.getMessage(), e);
    }
  }
}
