package dev.ferry.orchestrator;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.api.CommitStatus;
import dev.ferry.api.CommitStatusActivities;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets commit statuses through GitHub's REST API ({@code POST /repos/{repo}/statuses/{sha}}); with
 * no token, logs them instead.
 */
final class GitHubStatuses implements CommitStatusActivities {

  /** The failure type of a status GitHub refuses for good (bad token, unknown repository). */
  static final String REJECTED = "GitHubRejected";

  private static final Logger log = LoggerFactory.getLogger(GitHubStatuses.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final GitHubSettings settings;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  GitHubStatuses(GitHubSettings settings) {
    this.settings = settings;
  }

  @Override
  public void setStatus(CommitStatus status) {
    String targetUrl = settings.publicUrl() + "/runs/" + status.runId();
    if (settings.token() == null) {
      log.info(
          "commit status (no GITHUB_TOKEN, not sent) {}@{}: {} {} {}",
          status.repo(),
          status.sha(),
          status.state().apiName(),
          status.description(),
          targetUrl);
      return;
    }
    try {
      String body =
          JSON.writeValueAsString(
              Map.of(
                  "state",
                  status.state().apiName(),
                  "description",
                  status.description(),
                  "target_url",
                  targetUrl,
                  "context",
                  CommitStatus.CONTEXT));
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          settings.apiUrl()
                              + "/repos/"
                              + status.repo()
                              + "/statuses/"
                              + status.sha()))
                  .timeout(Duration.ofSeconds(20))
                  .header("Authorization", "Bearer " + settings.token())
                  .header("Accept", "application/vnd.github+json")
                  .header("X-GitHub-Api-Version", "2022-11-28")
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      int code = response.statusCode();
      if (code >= 200 && code < 300) {
        log.info("commit status {}@{}: {}", status.repo(), status.sha(), status.state().apiName());
        return;
      }
      String message = "GitHub answered " + code + " to the commit status: " + response.body();
      if (code >= 400 && code < 500 && code != 429 && code != 408) {
        throw ApplicationFailure.newNonRetryableFailure(message, REJECTED);
      }
      throw new IllegalStateException(message);
    } catch (IOException e) {
      throw new IllegalStateException("cannot reach GitHub at " + settings.apiUrl(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while setting a commit status", e);
    }
  }
}
