package dev.ferry.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.PullRequestCheck;
import dev.ferry.api.PullRequestTrigger;
import dev.ferry.api.RequestBounds;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.temporal.client.WorkflowClient;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code POST /pr} and {@code POST /github/webhook}. */
final class PullRequestRoutes implements HttpApi.Routes {

  /** Where GitHub delivers events; a webhook proves itself by its signature. */
  static final String WEBHOOK_PATH = "/github/webhook";

  private static final Logger log = LoggerFactory.getLogger(PullRequestRoutes.class);
  private static final Set<String> PR_FIELDS =
      Set.of("repo", "pr", "old", "new", "clone_url", "command", "provider");
  private static final Set<String> CHECKED_ACTIONS = Set.of("opened", "synchronize", "reopened");
  private static final int REMEMBERED_DELIVERIES = 10_000;

  /**
   * Whether pull requests from forks are checked: {@code ignore} (the default) or {@code check}.
   */
  static final String FORKS = "FERRY_PR_FORKS";

  private final WorkflowClient client;
  private final String webhookSecret;
  private final boolean checkForks;
  private final Map<String, String> deliveries =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
          return size() > REMEMBERED_DELIVERIES;
        }
      };

  /** Routes that leave pull requests from forks unchecked. */
  PullRequestRoutes(WorkflowClient client, String webhookSecret) {
    this(client, webhookSecret, false);
  }

  PullRequestRoutes(WorkflowClient client, String webhookSecret, boolean checkForks) {
    this.client = client;
    this.webhookSecret = webhookSecret;
    this.checkForks = checkForks;
  }

  /**
   * Reads {@value #FORKS}.
   *
   * @throws IllegalArgumentException naming the variable for a value other than ignore or check
   */
  static boolean checkForks(Map<String, String> env) {
    String value = env.getOrDefault(FORKS, "ignore").strip();
    return switch (value) {
      case "", "ignore" -> false;
      case "check" -> true;
      default ->
          throw new IllegalArgumentException(
              FORKS + " must be 'ignore' or 'check', was '" + value + "'");
    };
  }

  @Override
  public void register(Javalin app) {
    app.post("/pr", this::pr);
    app.post(WEBHOOK_PATH, this::webhook);
  }

  private void pr(Context ctx) {
    JsonBody body = JsonBody.parse(JsonBody.raw(ctx), PR_FIELDS);
    PullRequestCheck check =
        check(
            body.text("repo"),
            body.integer("pr", true),
            body.text("old"),
            body.text("new"),
            body.optionalText("clone_url"),
            body.optionalText("command"),
            body.optionalText("provider"));
    HttpApi.accepted(ctx, PullRequestTrigger.start(client, check));
  }

  private void webhook(Context ctx) {
    byte[] raw = JsonBody.raw(ctx);
    if (!WebhookSignature.valid(webhookSecret, raw, ctx.header("X-Hub-Signature-256"))) {
      ctx.status(401)
          .json(
              HttpApi.error(
                  webhookSecret == null
                      ? "webhooks are refused: GITHUB_WEBHOOK_SECRET is not set"
                      : "X-Hub-Signature-256 is missing or does not match the body",
                  "X-Hub-Signature-256"));
      return;
    }
    String event = ctx.header("X-GitHub-Event");
    if ("ping".equals(event)) {
      ctx.status(200).json(Map.of("pong", true));
      return;
    }
    if (!"pull_request".equals(event)) {
      ctx.status(204);
      return;
    }
    String delivery = ctx.header("X-GitHub-Delivery");
    synchronized (deliveries) {
      String earlier = delivery == null ? null : deliveries.get(delivery);
      if (earlier != null) {
        ctx.status(200).json(Map.of("id", earlier, "redelivery", true));
        return;
      }
    }
    JsonBody body = JsonBody.parse(raw, null);
    String action = body.text("action");
    if (!CHECKED_ACTIONS.contains(action)) {
      ctx.status(204);
      return;
    }
    String fork = forkOf(body);
    if (fork != null && !checkForks) {
      // A fork's author chooses the code the check runs, next to the worker's credentials.
      log.info(
          "webhook {} {}: pull request #{} from fork {} not checked ({}=ignore)",
          delivery,
          body.text("repository.full_name"),
          body.at("number").asText(),
          fork,
          FORKS);
      ctx.status(200)
          .json(
              Map.of(
                  "ignored",
                  "pull request from fork "
                      + fork
                      + ": forks are not checked unless "
                      + FORKS
                      + "=check"));
      return;
    }
    PullRequestCheck check =
        check(
            body.text("repository.full_name"),
            body.integer("number", true),
            body.text("pull_request.base.sha"),
            body.text("pull_request.head.sha"),
            body.optionalText("repository.clone_url"),
            null,
            null);
    String id = PullRequestTrigger.start(client, check);
    if (delivery != null) {
      synchronized (deliveries) {
        deliveries.put(delivery, id);
      }
    }
    log.info("webhook {} {} {}#{}: check {}", delivery, action, check.repo(), check.pr(), id);
    HttpApi.accepted(ctx, id);
  }

  /**
   * The repository a pull request's head comes from when it is not the base repository; null for a
   * pull request within the repository. GitHub sends a null {@code head.repo} for a deleted fork.
   */
  private static String forkOf(JsonBody body) {
    JsonNode headRepo = body.at("pull_request.head.repo");
    if (headRepo.isMissingNode()) {
      return null;
    }
    String head = headRepo.path("full_name").asText("");
    if (head.isEmpty()) {
      return "(deleted)";
    }
    return head.equalsIgnoreCase(body.text("repository.full_name")) ? null : head;
  }

  private static PullRequestCheck check(
      String repo,
      int pr,
      String old,
      String head,
      String cloneUrl,
      String command,
      String provider) {
    try {
      PullRequestCheck check =
          new PullRequestCheck(
              repo,
              pr,
              old,
              head,
              cloneUrl,
              command,
              new dev.ferry.api.ComputeSpec(provider, null, 0, 0, null, Map.of()),
              null);
      RequestBounds.check(check);
      return check;
    } catch (RequestBounds.OutOfBounds e) {
      throw BadRequest.field(
          e.field().equals("cloneUrl") ? "clone_url" : e.field(), e.getMessage());
    } catch (IllegalArgumentException e) {
      String message = e.getMessage();
      String field = message.startsWith("cloneUrl") ? "clone_url" : message.split(" ", 2)[0];
      throw BadRequest.field(field, message);
    }
  }
}
