package dev.ferry.providers;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A factory that fails its first creations as a factory does whose platform is briefly out of reach
 * (a Docker engine restarting), then makes the provider it was given.
 */
public final class FlakyProviderFactory implements ComputeProviderFactory {

  private final String id;
  private final Supplier<ComputeProvider> provider;
  private final AtomicInteger failuresLeft;
  private final AtomicInteger creations = new AtomicInteger();

  public FlakyProviderFactory(String id, int failures, Supplier<ComputeProvider> provider) {
    this.id = id;
    this.provider = provider;
    this.failuresLeft = new AtomicInteger(failures);
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public ComputeProvider create(Map<String, String> env) {
    creations.incrementAndGet();
    if (failuresLeft.getAndDecrement() > 0) {
      throw new ProviderException.Unavailable(id + ": engine restarting", null);
    }
    return provider.get();
  }

  /** How many times a provider was asked for, failed or not. */
  public int creations() {
    return creations.get();
  }
}
