package dev.ferry.orchestrator;

import dev.ferry.providers.ComputeProvider;
import dev.ferry.providers.ProviderException;
import dev.ferry.providers.ProviderRegistry;
import dev.ferry.providers.docker.DockerComputeProvider;
import dev.ferry.providers.local.LocalComputeProvider;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the demo runs: in a container when a Docker engine answers and the external-worker image is
 * there, else as a local process; a provider chosen with FERRY_PROVIDER is left alone.
 */
final class DemoCompute {

  /** The image {@code ./ferry image} builds, used when FERRY_IMAGE names none. */
  static final String DEFAULT_IMAGE = "ferry-external-worker:local";

  /**
   * The demo's compute.
   *
   * @param config the configuration to run the demo with
   * @param reason why this provider, for the person watching
   */
  record Choice(OrchestratorConfig config, String reason) {}

  private static final Logger log = LoggerFactory.getLogger(DemoCompute.class);

  private DemoCompute() {}

  static Choice choose(OrchestratorConfig config) {
    if (config.env().containsKey("FERRY_PROVIDER")) {
      return new Choice(config, "chosen with FERRY_PROVIDER");
    }
    String image = config.defaults().image() != null ? config.defaults().image() : DEFAULT_IMAGE;
    String reason;
    try {
      if (dockerHas(config, image)) {
        return new Choice(
            config.withDefaults(
                new ComputeDefaults(
                    DockerComputeProvider.ID, image, config.defaults().allowedImages())),
            "a Docker engine answers and has the image " + image);
      }
      reason = "the Docker engine has no image " + image + " (build it with ./ferry image)";
    } catch (ProviderException e) {
      reason = "no Docker engine answers (" + e.getMessage() + ")";
    }
    return new Choice(
        config.withDefaults(
            new ComputeDefaults(
                LocalComputeProvider.ID,
                config.defaults().image(),
                config.defaults().allowedImages())),
        reason);
  }

  /**
   * Asks the engine through a provider of its own, closed after: the orchestrator makes its own.
   */
  private static boolean dockerHas(OrchestratorConfig config, String image) {
    ComputeProvider provider = ProviderRegistry.load(config.env()).get(DockerComputeProvider.ID);
    if (!(provider instanceof DockerComputeProvider docker)) {
      return false;
    }
    try {
      return docker.hasImage(image);
    } finally {
      try {
        docker.close();
      } catch (IOException e) {
        // Only a probe's connection: the answer stands, and the orchestrator opens its own.
        log.debug("closing the Docker probe failed", e);
      }
    }
  }
}
