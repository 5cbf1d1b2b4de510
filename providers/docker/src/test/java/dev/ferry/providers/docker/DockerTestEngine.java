package dev.ferry.providers.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.ferry.providers.Infrastructure;
import dev.ferry.providers.ProviderException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The Docker engine the tests run against (the one at {@code DOCKER_HOST}), with the image they
 * run: made once per test JVM; a test that needs it is skipped when there is no engine.
 */
final class DockerTestEngine {

  static final String BASE_IMAGE = "ferry-jre-base:local";

  /** Boots, prints its queue, then exits with $EXIT_NOW if set, or waits for SIGTERM. */
  // The trap is set before "booted" is printed: a test that saw "booted" may send SIGTERM.
  static final String TEST_SCRIPT =
      "trap 'echo bye; exit 0' TERM; echo booted queue=$FERRY_TASK_QUEUE; "
          + "if [ -n \"$EXIT_NOW\" ]; then echo exiting with $EXIT_NOW; exit $EXIT_NOW; fi; "
          + "sleep 300 & wait";

  /** Non-root, as the provider requires of an image unless root is allowed. */
  static final String TEST_DOCKERFILE =
      "FROM "
          + BASE_IMAGE
          + "\nUSER 10001:10001\nCMD [\"sh\", \"-c\", \""
          + TEST_SCRIPT.replace("\\", "\\\\").replace("\"", "\\\"")
          + "\"]\n";

  /**
   * Tagged by its Dockerfile: builds from other checkouts on the same engine, with another script,
   * must not replace the image under a running test.
   */
  static final String TEST_IMAGE =
      "ferry-contract-test:" + Integer.toHexString(TEST_DOCKERFILE.hashCode());

  private static DockerComputeProvider provider;
  private static DockerClient client;
  private static String missing;
  private static boolean imageBuilt;

  private DockerTestEngine() {}

  /** What the tests configure the provider with: the host's DOCKER_HOST and a short grace. */
  static Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put(DockerSettings.DOCKER_HOST, dockerHost());
    env.put(DockerSettings.STOP_GRACE, "PT5S");
    return env;
  }

  static String dockerHost() {
    String host = System.getenv(DockerSettings.DOCKER_HOST);
    return host == null || host.isBlank() ? DockerSettings.DEFAULT_HOST : host;
  }

  /** The shared provider; skips (or fails, when infrastructure is required) without an engine. */
  static synchronized DockerComputeProvider provider() {
    if (provider == null && missing == null) {
      try {
        provider = (DockerComputeProvider) new DockerProviderFactory().create(env());
        client = DockerProviderFactory.client(DockerSettings.fromEnv(env()));
      } catch (IllegalArgumentException | ProviderException.Unavailable e) {
        missing = "a Docker engine at DOCKER_HOST (" + e.getMessage() + ")";
      }
    }
    Infrastructure.require(String.valueOf(missing), missing == null);
    return provider;
  }

  /** True when an engine answers, for clean-up code that must not skip or fail. */
  static synchronized boolean available() {
    return provider != null;
  }

  /** A plain client, to look at containers behind the provider's back. */
  static DockerClient client() {
    provider();
    return client;
  }

  /** Builds the test image (from the base image, which is built first if missing). */
  static synchronized void requireTestImage() {
    provider();
    if (imageBuilt) {
      return;
    }
    requireBaseImage();
    try {
      Path dir = Files.createTempDirectory("ferry-contract-image");
      Path dockerfile = Files.writeString(dir.resolve("Dockerfile"), TEST_DOCKERFILE);
      // Always built (a cached build takes a moment), so that a changed script takes effect.
      client
          .buildImageCmd()
          .withBaseDirectory(dir.toFile())
          .withDockerfile(dockerfile.toFile())
          .withTags(Set.of(TEST_IMAGE))
          .withPull(false)
          .withNetworkMode("none")
          .exec(new BuildImageResultCallback())
          .awaitImageId(2, TimeUnit.MINUTES);
      Files.delete(dockerfile);
      Files.delete(dir);
      imageBuilt = true;
    } catch (IOException e) {
      throw new IllegalStateException("cannot write the test image's Dockerfile", e);
    }
  }

  private static void requireBaseImage() {
    try {
      client.inspectImageCmd(BASE_IMAGE).exec();
      return;
    } catch (NotFoundException e) {
      // Built below.
    }
    Path script = Path.of("..", "..", ".ci", "base-image").toAbsolutePath().normalize();
    Path output = Path.of("target", "base-image.log").toAbsolutePath();
    int exit;
    try {
      Process build =
          new ProcessBuilder(script.toString(), BASE_IMAGE)
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      exit = build.waitFor(5, TimeUnit.MINUTES) ? build.exitValue() : -1;
    } catch (IOException e) {
      exit = -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      exit = -1;
    }
    Infrastructure.require(
        "the base image " + BASE_IMAGE + " (" + script + " failed; see " + output + ")", exit == 0);
  }
}
