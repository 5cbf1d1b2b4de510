package dev.ferry.providers.digitalocean;

import dev.ferry.providers.ComputeProvider;
import dev.ferry.providers.ComputeProviderFactory;
import java.time.Duration;
import java.util.Map;

/**
 * Configures the {@code do-app} provider from {@code DIGITALOCEAN_ACCESS_TOKEN}, {@code
 * FERRY_DO_REGION}, {@code FERRY_DO_INSTANCE_SIZE}, {@code FERRY_DO_API_URL}, the image and {@code
 * FERRY_EXTERNAL_TEMPORAL_ADDRESS}; nothing is sent to DigitalOcean until the first provision.
 */
public final class AppProviderFactory implements ComputeProviderFactory {

  @Override
  public String id() {
    return AppComputeProvider.ID;
  }

  @Override
  public ComputeProvider create(Map<String, String> env) {
    DoSettings settings = DoSettings.fromEnv(env, AppComputeProvider.ID);
    String size = DoSettings.appInstanceSize(env);
    settings.appRegion();
    try {
      ImageReference.parse(settings.image());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("FERRY_IMAGE: " + e.getMessage(), e);
    }
    DoHttp http =
        new DoHttp(
            settings.apiUrl(), settings.token(), DoHttp.defaultClient(), DoHttp.Retries.DEFAULT);
    return new AppComputeProvider(new AppsClient(http), settings, size, Duration.ofMinutes(2));
  }
}
