package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.api.PullRequestResult;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pull-request checks as users run them: {@code ferry server} (with its HTTP API) and {@code ferry
 * pr} as OS processes from the built jars, the local provider's workers cloning a local git
 * repository, commit statuses sent to a GitHub-like server.
 */
class PullRequestEndToEndIT {

  private static final String SECRET = "e2e-webhook-secret";

  @TempDir Path dir;

  @Test
  void ferryPrWaitShowsBothSidesAndReportsANewFailure() throws Exception {
    TestRepo repo = new TestRepo(Files.createDirectories(dir.resolve("repo")));
    String base =
        repo.commit(Map.of(".ferry/check", "echo checking; grep -q good state", "state", "good"));
    String head = repo.commit(Map.of("state", "bad"));
    try (FakeGitHub github = new FakeGitHub("gh-token");
        FerryProcesses ferry = new FerryProcesses(dir)) {
      Process orchestrator = startServer(ferry, github, FerryProcesses.freePort());

      FerryProcesses.Finished pr =
          ferry.cli(
              "pr",
              "--repo",
              "acme/widgets",
              "--pr",
              "7",
              "--old",
              base,
              "--new",
              head,
              "--clone-url",
              repo.url(),
              "--wait");
      Files.writeString(dir.resolve("ferry-pr-transcript.txt"), pr.stderr() + pr.stdout());

      assertThat(pr.exitCode()).as(pr.stderr() + ferry.log("orchestrator.log")).isEqualTo(1);
      assertThat(pr.stdout())
          .contains("failure · new failure: exit 1", "base: passed", "head: failed");
      assertThat(pr.stderr()).contains("base [SUCCEEDED]", "head [SUCCEEDED]");
      assertThat(github.statuses())
          .extracting(s -> s.state() + " " + s.sha())
          .containsExactly("pending " + head, "failure " + head);
      assertThat(ferry.localResources()).as("the local provider's records").isEmpty();
      assertThat(ferry.processesInDirectory())
          .as("processes left besides the orchestrator")
          .allMatch(p -> p.pid() == orchestrator.pid());
    }
  }

  @Test
  void aSignedWebhookStartsOneCheckAndItsRedeliveryNone() throws Exception {
    TestRepo repo = new TestRepo(Files.createDirectories(dir.resolve("repo")));
    String base = repo.commit(Map.of(".ferry/check", "exit 3"));
    String head = repo.commit(Map.of("other", "1"));
    try (FakeGitHub github = new FakeGitHub("gh-token");
        FerryProcesses ferry = new FerryProcesses(dir)) {
      int port = FerryProcesses.freePort();
      startServer(ferry, github, port);
      String event =
          """
          {"action":"opened","number":9,
           "repository":{"full_name":"acme/widgets","clone_url":"%s"},
           "pull_request":{"base":{"sha":"%s"},"head":{"sha":"%s"}}}
          """
              .formatted(repo.url(), base, head);

      HttpResponse<String> unsigned = webhook(port, event, "sha256=" + "0".repeat(64));
      HttpResponse<String> first =
          webhook(port, event, WebhookSignature.sign(SECRET, bytes(event)));
      String id = JsonBody.JSON.readTree(first.body()).path("id").asText();
      PullRequestResult result =
          ferry.client().newUntypedWorkflowStub(id).getResult(PullRequestResult.class);
      HttpResponse<String> again =
          webhook(port, event, WebhookSignature.sign(SECRET, bytes(event)));

      assertThat(unsigned.statusCode()).isEqualTo(401);
      assertThat(first.statusCode()).isEqualTo(202);
      assertThat(result.description()).startsWith("already failing on base: exit 3");
      assertThat(again.statusCode()).isEqualTo(200);
      assertThat(github.statuses())
          .extracting(FakeGitHub.Received::state)
          .containsExactly("pending", "failure");
      assertThat(ferry.localResources()).isEmpty();
    }
  }

  @Test
  void aTakenHttpPortStopsTheServerWithExitTwoNamingFerryHttpPort() throws Exception {
    try (FerryProcesses ferry = new FerryProcesses(dir);
        ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      Process server =
          ferry.startOrchestrator(
              Map.of("FERRY_HTTP_PORT", String.valueOf(taken.getLocalPort())), "taken.log");

      assertThat(server.waitFor(1, TimeUnit.MINUTES)).isTrue();
      assertThat(server.exitValue()).isEqualTo(2);
      assertThat(ferry.log("taken.log")).contains("FERRY_HTTP_PORT", ":" + taken.getLocalPort());
    }
  }

  private static Process startServer(FerryProcesses ferry, FakeGitHub github, int port)
      throws InterruptedException {
    Process orchestrator =
        ferry.startOrchestrator(
            Map.of(
                "GITHUB_TOKEN",
                "gh-token",
                "GITHUB_API_URL",
                github.url(),
                "GITHUB_WEBHOOK_SECRET",
                SECRET,
                "FERRY_HTTP_PORT",
                String.valueOf(port)));
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (!ferry.log("orchestrator.log").contains("HTTP API on")) {
      assertThat(orchestrator.isAlive()).as(ferry.log("orchestrator.log")).isTrue();
      assertThat(System.nanoTime()).as("HTTP API up within a minute").isLessThan(deadline);
      Thread.sleep(50);
    }
    return orchestrator;
  }

  private static HttpResponse<String> webhook(int port, String body, String signature)
      throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/github/webhook"))
                .header("X-GitHub-Event", "pull_request")
                .header("X-GitHub-Delivery", "e2e-delivery-1")
                .header("X-Hub-Signature-256", signature)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
