package dev.ferry.providers.docker;

import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.api.exception.DockerException;
import dev.ferry.providers.ProviderException;
import java.io.IOException;

/**
 * Translates docker-java's exceptions into {@link ProviderException}s, so nothing Docker-specific
 * leaves the provider.
 */
final class DockerErrors {

  private final String engine;

  DockerErrors(String dockerHost) {
    this.engine = "the Docker engine at " + DockerSettings.DOCKER_HOST + "=" + dockerHost;
  }

  /**
   * The neutral form of a failure while doing {@code action}; a failure that is neither Docker's
   * nor a connection problem (a bug) is returned as it is.
   */
  RuntimeException translate(String action, RuntimeException e) {
    if (e instanceof ProviderException) {
      return e;
    }
    if (e instanceof DockerException docker) {
      String message = "docker: " + action + ": " + reason(docker);
      return switch (docker.getHttpStatus()) {
        case 400 -> new ProviderException.InvalidSpec(message, e);
        case 401, 403 -> new ProviderException.Auth(message, e);
        case 404 -> new ProviderException.NotFound(message, e);
        default ->
            new ProviderException.Unavailable(
                engine + " failed " + action + ": " + reason(docker), e);
      };
    }
    if (isConnectionProblem(e)) {
      return new ProviderException.Unavailable(
          engine + " is unreachable (" + action + "): " + rootMessage(e), e);
    }
    if (e instanceof DockerClientException) {
      return new ProviderException.Unavailable(
          engine + " failed " + action + ": " + e.getMessage(), e);
    }
    return e;
  }

  /** True when talking to the engine failed, as opposed to the engine refusing the request. */
  static boolean isConnectionProblem(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IOException) {
        return true;
      }
    }
    return false;
  }

  /** The engine's message without docker-java's "Status 400: {"message":...}" wrapping. */
  static String reason(DockerException e) {
    String message = e.getMessage() == null ? "" : e.getMessage().strip();
    int start = message.indexOf("{\"message\":\"");
    if (start >= 0 && message.endsWith("\"}")) {
      return message
          .substring(start + "{\"message\":\"".length(), message.length() - 2)
          .replace("\\\"", "\"");
    }
    return message;
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }
}
