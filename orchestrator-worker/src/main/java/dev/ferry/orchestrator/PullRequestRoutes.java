package dev.ferry.orchestrator;

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

  private static final Logger log = LoggerFactory.getLogger(PullRequestRoutes.class);
  private static final Set<String> PR_FIELDS =
      Set.of("repo", "pr", "old", "new", "clone_url", "command", "provider");
  private static final Set<String> CHECKED_ACTIONS = Set.of("opened", "synchronize", "reopened");
  private static final int REMEMBERED_DELIVERIES = 10_000;

  private final WorkflowClient client;
  private final String webhookSecret;
  private final Map<String, String> deliveries =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
          return size() > REMEMBERED_DELIVERIES;
        }
      };

  PullRequestRoutes(WorkflowClient client, String webhookSecret) {
    this.client = client;
    this.webhookSecret = webhookSecret;
  }

  @Override
  public void register(Javalin app) {
    app.post("/pr", this::pr);
    app.post("/github/webhook", this::webhook);
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
