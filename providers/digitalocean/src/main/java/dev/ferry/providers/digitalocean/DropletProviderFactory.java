package dev.ferry.providers.digitalocean;

import dev.ferry.providers.ComputeProvider;
import dev.ferry.providers.ComputeProviderFactory;
import java.time.Duration;
import java.util.Map;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;

/**
 * Configures the {@code do-droplet} provider from {@code DIGITALOCEAN_ACCESS_TOKEN}, {@code
 * FERRY_DO_REGION} (a datacenter, e.g. {@code nyc3}), {@code FERRY_DO_DROPLET_SIZE}, {@code
 * FERRY_DO_DROPLET_IMAGE}, {@code FERRY_DO_API_URL}, the image and {@code
 * FERRY_EXTERNAL_TEMPORAL_ADDRESS}; nothing is sent to DigitalOcean until the first provision.
 */
public final class DropletProviderFactory implements ComputeProviderFactory {

  @Override
  public String id() {
    return DropletComputeProvider.ID;
  }

  @Override
  public ComputeProvider create(Map<String, String> env) {
    RequestConfig timeouts =
        RequestConfig.custom()
            .setConnectTimeout(10_000)
            .setConnectionRequestTimeout(10_000)
            .setSocketTimeout(60_000)
            .build();
    return create(
        env, HttpClients.custom().setDefaultRequestConfig(timeouts).useSystemProperties().build());
  }

  /** The provider over a given HTTP client (tests give one that trusts their certificate). */
  static DropletComputeProvider create(Map<String, String> env, CloseableHttpClient http) {
    DoSettings shared = DoSettings.fromEnv(env, DropletComputeProvider.ID);
    DropletSettings settings = DropletSettings.fromEnv(env, shared);
    return new DropletComputeProvider(
        new DropletsClient(shared.apiUrl(), shared.token(), http), settings, Duration.ofMinutes(2));
  }
}
