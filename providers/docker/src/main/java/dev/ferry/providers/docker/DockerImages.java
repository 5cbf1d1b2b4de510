package dev.ferry.providers.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.ferry.providers.ProviderException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Makes sure an image is on the engine before a container is created from it. */
final class DockerImages {

  private static final Logger log = LoggerFactory.getLogger(DockerImages.class);

  private final DockerClient client;
  private final DockerErrors errors;
  private final Duration pullTimeout;

  DockerImages(DockerClient client, DockerErrors errors, Duration pullTimeout) {
    this.client = client;
    this.errors = errors;
    this.pullTimeout = pullTimeout;
  }

  /** Whether the image is on the engine now; nothing is pulled. */
  boolean isPresent(String image) {
    try {
      client.inspectImageCmd(image).exec();
      return true;
    } catch (NotFoundException e) {
      return false;
    } catch (RuntimeException e) {
      throw errors.translate("inspecting image " + image, e);
    }
  }

  /**
   * Returns when the image is on the engine, pulling it if need be.
   *
   * @throws ProviderException.InvalidSpec when it is not there and cannot be pulled
   */
  void ensurePresent(String image) {
    try {
      client.inspectImageCmd(image).exec();
      return;
    } catch (NotFoundException e) {
      log.info("image {} is not on the engine; pulling it", image);
    } catch (RuntimeException e) {
      throw errors.translate("inspecting image " + image, e);
    }
    pull(image);
  }

  private void pull(String image) {
    boolean done;
    try {
      done =
          client
              .pullImageCmd(withTag(image))
              .exec(new PullImageResultCallback())
              .awaitCompletion(pullTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderException.Unavailable("interrupted while pulling image " + image, e);
    } catch (RuntimeException e) {
      if (DockerErrors.isConnectionProblem(e)) {
        throw errors.translate("pulling image " + image, e);
      }
      String reason = e instanceof DockerException docker ? DockerErrors.reason(docker) : "" + e;
      throw new ProviderException.InvalidSpec(
          "image " + image + " is not on this engine and could not be pulled: " + reason, e);
    }
    if (!done) {
      // Retryable: layers that finished downloading stay on the engine for the next attempt.
      throw new ProviderException.Unavailable(
          "image " + image + " is still not pulled after " + pullTimeout, null);
    }
    log.info("pulled image {}", image);
  }

  /** A reference without a tag or digest would make the engine pull every tag of the image. */
  static String withTag(String image) {
    String lastPart = image.substring(image.lastIndexOf('/') + 1);
    return image.contains("@") || lastPart.contains(":") ? image : image + ":latest";
  }
}
