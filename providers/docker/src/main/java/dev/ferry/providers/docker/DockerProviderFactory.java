package dev.ferry.providers.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.ferry.providers.ComputeProvider;
import dev.ferry.providers.ComputeProviderFactory;
import dev.ferry.providers.ProviderException;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/**
 * Configures the {@code docker} provider from {@code DOCKER_HOST} (default {@code
 * unix:///var/run/docker.sock}), {@code FERRY_DOCKER_NETWORK} (default {@code host}) and {@code
 * FERRY_DOCKER_STOP_GRACE} (default {@code PT10S}), and checks that an engine answers. An engine
 * that cannot be reached is {@link ProviderException.Unavailable} (it may be restarting: worth
 * retrying); one that answers but refuses is a configuration error.
 */
public final class DockerProviderFactory implements ComputeProviderFactory {

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(60);

  @Override
  public String id() {
    return DockerComputeProvider.ID;
  }

  @Override
  public ComputeProvider create(Map<String, String> env) {
    DockerSettings settings = DockerSettings.fromEnv(env);
    DockerClient client = client(settings);
    try {
      client.pingCmd().exec();
    } catch (RuntimeException e) {
      closeQuietly(client, e);
      String message =
          DockerSettings.DOCKER_HOST
              + "="
              + settings.dockerHost()
              + ": no Docker engine answers there ("
              + e.getMessage()
              + ")";
      if (DockerErrors.isConnectionProblem(e)) {
        throw new ProviderException.Unavailable(message, e);
      }
      throw new IllegalArgumentException(message, e);
    }
    requireNetwork(client, settings);
    return new DockerComputeProvider(client, settings);
  }

  /** A network that is not built in must exist, or every provision would fail on it. */
  private static void requireNetwork(DockerClient client, DockerSettings settings) {
    String network = settings.network();
    if (network.equals("host") || network.equals("none") || network.startsWith("container:")) {
      return;
    }
    try {
      client.inspectNetworkCmd().withNetworkId(network).exec();
    } catch (RuntimeException e) {
      closeQuietly(client, e);
      if (DockerErrors.isConnectionProblem(e)) {
        throw new ProviderException.Unavailable(
            "the Docker engine at "
                + settings.dockerHost()
                + " stopped answering while checking "
                + DockerSettings.NETWORK
                + "="
                + network
                + " ("
                + e.getMessage()
                + ")",
            e);
      }
      throw new IllegalArgumentException(
          DockerSettings.NETWORK
              + "="
              + network
              + ": no such network on the Docker engine at "
              + settings.dockerHost()
              + " ("
              + e.getMessage()
              + ")",
          e);
    }
  }

  /** A client for the settings' engine; it does not connect until first used. */
  static DockerClient client(DockerSettings settings) {
    DefaultDockerClientConfig config;
    ApacheDockerHttpClient http;
    try {
      config =
          DefaultDockerClientConfig.createDefaultConfigBuilder()
              .withDockerHost(settings.dockerHost().toString())
              .build();
      http =
          new ApacheDockerHttpClient.Builder()
              .dockerHost(config.getDockerHost())
              .sslConfig(config.getSSLConfig())
              .connectionTimeout(CONNECT_TIMEOUT)
              // A stop waits out the grace period before the engine answers.
              .responseTimeout(max(RESPONSE_TIMEOUT, settings.stopGrace().plusSeconds(30)))
              .build();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          DockerSettings.DOCKER_HOST
              + "="
              + settings.dockerHost()
              + " is not a usable Docker address: "
              + e.getMessage(),
          e);
    }
    return DockerClientImpl.getInstance(config, http);
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static void closeQuietly(DockerClient client, RuntimeException failure) {
    try {
      client.close();
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }
}
