package dev.ferry.providers.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.command.PullImageCmd;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.PullResponseItem;
import dev.ferry.providers.ProviderException;
import dev.ferry.providers.registry.ImageName;
import dev.ferry.providers.registry.RegistryCredentials;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Makes sure an image is on the engine before a container is created from it. */
final class DockerImages {

  private static final Logger log = LoggerFactory.getLogger(DockerImages.class);

  private final DockerClient client;
  private final DockerErrors errors;
  private final Duration pullTimeout;
  private final RegistryCredentials logins;

  DockerImages(
      DockerClient client, DockerErrors errors, Duration pullTimeout, RegistryCredentials logins) {
    this.client = client;
    this.logins = logins;
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
   * What pins {@code image} on this engine alone: the repo digest the engine recorded for its
   * repository (when it was pulled or pushed), else its image id; empty when it is not here.
   */
  Optional<String> localPin(String image) {
    InspectImageResponse found;
    try {
      found = client.inspectImageCmd(image).exec();
    } catch (NotFoundException e) {
      return Optional.empty();
    } catch (RuntimeException e) {
      throw errors.translate("inspecting image " + image, e);
    }
    String repository = withoutTag(image);
    List<String> repoDigests = found.getRepoDigests() == null ? List.of() : found.getRepoDigests();
    return repoDigests.stream()
        .filter(d -> d.startsWith(repository + "@"))
        .findFirst()
        .or(() -> Optional.ofNullable(found.getId()));
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
    ProgressAtDebug progress = new ProgressAtDebug();
    boolean done = false;
    try {
      PullImageCmd pull = client.pullImageCmd(withTag(image));
      login(image).ifPresent(pull::withAuthConfig);
      pull.exec(progress);
      // Not docker-java's timed awaitCompletion: on a timeout it judges the unfinished pull and
      // throws "Could not pull image: Pulling fs layer", which reads as a missing image.
      done = progress.awaitFinished(pullTimeout);
      if (done) {
        progress.awaitCompletion(); // at once; throws what the pull failed with
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderException.Unavailable("interrupted while pulling image " + image, e);
    } catch (RuntimeException e) {
      if (DockerErrors.isConnectionProblem(e)) {
        throw errors.translate("pulling image " + image, e);
      }
      throw PullFailures.translate(image, e);
    } finally {
      if (!done) {
        // Its stream and the docker-java thread reading it must not live on for nobody.
        CallbackWaits.abandon(progress);
      }
    }
    if (!done) {
      // Retryable: layers that finished downloading stay on the engine for the next attempt.
      throw new ProviderException.Unavailable(
          "image " + image + " is still not pulled after " + pullTimeout, null);
    }
    log.info("pulled image {}", image);
  }

  private Optional<AuthConfig> login(String image) {
    ImageName name;
    try {
      name = ImageName.parse(image);
    } catch (IllegalArgumentException e) {
      throw new ProviderException.InvalidSpec(e.getMessage(), e);
    }
    Optional<RegistryCredentials.Login> login;
    try {
      login = logins.forImage(name);
    } catch (IllegalStateException e) {
      throw new ProviderException.Auth("pulling image " + image + ": " + e.getMessage(), e);
    }
    return login.map(
        l ->
            new AuthConfig()
                .withRegistryAddress(name.registry())
                .withUsername(l.username())
                .withPassword(l.password()));
  }

  /**
   * Pull progress is noise at info; one line there says the pull started, one that it ended. Its
   * end can be awaited without judging it, as a timed-out pull must be.
   */
  private static final class ProgressAtDebug extends PullImageResultCallback {
    private final CountDownLatch finished = new CountDownLatch(1);

    @Override
    public void onNext(PullResponseItem item) {
      if (log.isDebugEnabled() && item.getStatus() != null) {
        log.debug(
            "pull {} {} {}",
            item.getId() == null ? "" : item.getId(),
            item.getStatus(),
            item.getProgress() == null ? "" : item.getProgress());
      }
      super.onNext(item);
    }

    @Override
    public void onComplete() {
      try {
        super.onComplete();
      } finally {
        finished.countDown();
      }
    }

    @Override
    public void onError(Throwable throwable) {
      try {
        super.onError(throwable);
      } finally {
        finished.countDown();
      }
    }

    /** Whether the pull's stream ended (well or not) within the timeout. */
    boolean awaitFinished(Duration timeout) throws InterruptedException {
      return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  static String withoutTag(String image) {
    int at = image.indexOf('@');
    String rest = at >= 0 ? image.substring(0, at) : image;
    int colon = rest.lastIndexOf(':');
    return colon > rest.lastIndexOf('/') ? rest.substring(0, colon) : rest;
  }

  /** A reference without a tag or digest would make the engine pull every tag of the image. */
  static String withTag(String image) {
    String lastPart = image.substring(image.lastIndexOf('/') + 1);
    return image.contains("@") || lastPart.contains(":") ? image : image + ":latest";
  }
}
