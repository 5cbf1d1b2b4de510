package dev.ferry.orchestrator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.json.JavalinJackson;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API of {@code ferry server}: pull requests, GitHub webhooks, runs and callbacks. A
 * client's mistake gets a 4xx with a JSON error naming the field, never a 500.
 */
final class HttpApi implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(HttpApi.class);

  static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS);

  private final Javalin app;

  private HttpApi(Javalin app) {
    this.app = app;
  }

  /**
   * Starts listening.
   *
   * @throws IllegalArgumentException naming {@code FERRY_HTTP_PORT} when the port is taken
   */
  static HttpApi start(HttpSettings settings, Iterable<Routes> routes) {
    Javalin app =
        Javalin.create(
            config -> {
              config.showJavalinBanner = false;
              config.startupWatcherEnabled = false;
              config.jsonMapper(new JavalinJackson(JSON, false));
              config.http.maxRequestSize = HttpSettings.MAX_BODY_BYTES;
              config.jetty.defaultHost = settings.bind();
              config.jetty.defaultPort = settings.port();
            });
    if (settings.token() != null) {
      app.before(ctx -> requireToken(ctx, settings.token()));
    }
    app.get("/healthz", ctx -> ctx.json(Map.of("status", "ok")));
    routes.forEach(r -> r.register(app));
    // Last, so that it only takes what no route took: a JSON 404, not Jetty's text.
    for (HandlerType type :
        List.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT, HandlerType.DELETE)) {
      app.addHttpHandler(
          type,
          "/*",
          ctx -> {
            throw new BadRequest(404, null, "no such resource: " + ctx.method() + " " + ctx.path());
          });
    }
    app.exception(
        BadRequest.class,
        (e, ctx) -> ctx.status(e.status()).json(error(e.getMessage(), e.field())));
    app.exception(
        Exception.class,
        (e, ctx) -> {
          log.warn("{} {} failed", ctx.method(), ctx.path(), e);
          ctx.status(500).json(error("internal error: " + e.getClass().getSimpleName(), null));
        });
    app.error(
        404,
        ctx -> {
          if (ctx.result() == null) {
            ctx.json(error("no such resource: " + ctx.method() + " " + ctx.path(), null));
          }
        });
    try {
      app.start();
    } catch (RuntimeException e) {
      app.stop();
      throw new IllegalArgumentException(
          "FERRY_HTTP_PORT: cannot listen on "
              + settings.bind()
              + ":"
              + settings.port()
              + " ("
              + rootMessage(e)
              + "); set FERRY_HTTP_PORT to a free port",
          e);
    }
    log.info("HTTP API on http://{}:{}", settings.bind(), app.port());
    return new HttpApi(app);
  }

  /**
   * Refuses a request without the bearer token, except where a request carries its own proof (a
   * webhook's signature, a callback's signed token) or proves nothing ({@code /healthz}).
   */
  private static void requireToken(Context ctx, String token) {
    String path = ctx.path();
    if (path.equals("/healthz")
        || path.equals(PullRequestRoutes.WEBHOOK_PATH)
        || path.startsWith(CallbackRoutes.PATH_PREFIX)) {
      return;
    }
    String header = ctx.header("Authorization");
    String expected = "Bearer " + token;
    if (header == null
        || !MessageDigest.isEqual(
            header.strip().getBytes(StandardCharsets.UTF_8),
            expected.getBytes(StandardCharsets.UTF_8))) {
      ctx.header("WWW-Authenticate", "Bearer");
      throw new BadRequest(
          401,
          null,
          "missing or wrong bearer token: send 'Authorization: Bearer $FERRY_HTTP_TOKEN'");
    }
  }

  int port() {
    return app.port();
  }

  static Map<String, Object> error(String message, String field) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", message);
    if (field != null) {
      body.put("field", field);
    }
    return body;
  }

  static void accepted(Context ctx, String id) {
    ctx.status(202).header("Location", "/runs/" + id).json(Map.of("id", id));
  }

  private static String rootMessage(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause.getMessage();
  }

  @Override
  public void close() {
    app.stop();
  }

  /** A group of endpoints. */
  interface Routes {
    void register(Javalin app);
  }
}
