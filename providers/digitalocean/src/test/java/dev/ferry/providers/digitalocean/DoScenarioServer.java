package dev.ferry.providers.digitalocean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * A stateful stand-in for DigitalOcean's App Platform API, speaking its JSON, for the lifecycle and
 * error paths a stateless mock cannot play. When given Prism's URL, it first replays every API
 * request against Prism and records each one DigitalOcean's specification does not allow.
 */
final class DoScenarioServer implements AutoCloseable {

  /** A response to give instead of the stateful one, to the next request that matches. */
  record Scripted(
      String method,
      String pathPrefix,
      int status,
      String body,
      Map<String, String> headers,
      Runnable before) {}

  /** One app the server holds. */
  static final class StoredApp {
    final String id = UUID.randomUUID().toString();
    final String deploymentId = UUID.randomUUID().toString();
    final ObjectNode spec;
    final Deque<String> phases;
    final String failure;

    StoredApp(ObjectNode spec, List<String> phases, String failure) {
      this.spec = spec;
      this.phases = new ArrayDeque<>(phases);
      this.failure = failure;
    }

    String name() {
      return spec.path("name").asText();
    }

    synchronized String phase() {
      return phases.peekFirst();
    }

    /** Every read moves the deployment one phase on, as time would. */
    synchronized void advance() {
      if (phases.size() > 1) {
        phases.removeFirst();
      }
    }

    /** A variable of the worker as it was sent. */
    Optional<JsonNode> env(String key) {
      for (JsonNode env : spec.path("workers").path(0).path("envs")) {
        if (key.equals(env.path("key").asText())) {
          return Optional.of(env);
        }
      }
      return Optional.empty();
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern APP = Pattern.compile("/v2/apps/([^/?]+)");
  private static final Pattern DEPLOYMENTS = Pattern.compile("/v2/apps/([^/?]+)/deployments");
  private static final Pattern LOG_URLS =
      Pattern.compile("/v2/apps/([^/?]+)/deployments/([^/?]+)/components/([^/?]+)/logs");
  private static final Pattern LOG_FILE = Pattern.compile("/logs/([^/?]+)");

  private final HttpServer server;
  private final String scheme;
  private final URI validator;
  private final Map<String, StoredApp> apps = new ConcurrentHashMap<>();
  final DropletScenario droplets = new DropletScenario();
  private final Deque<Scripted> scripted = new ArrayDeque<>();
  private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
  private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
  private volatile List<String> phases = List.of("PENDING_DEPLOY", "DEPLOYING", "ACTIVE");
  private volatile String failure;

  private DoScenarioServer(URI validator, SSLContext tls) throws IOException {
    this.validator = validator;
    InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    if (tls == null) {
      this.server = HttpServer.create(loopback, 0);
    } else {
      HttpsServer https = HttpsServer.create(loopback, 0);
      https.setHttpsConfigurator(new HttpsConfigurator(tls));
      this.server = https;
    }
    this.scheme = tls == null ? "http" : "https";
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext("/", this::handle);
    server.start();
  }

  /** A server that checks every API request with Prism at {@code validator} (null: unchecked). */
  static DoScenarioServer start(URI validator) {
    return start(validator, null);
  }

  /** As above, serving TLS with {@code tls} (the droplet client speaks nothing else). */
  static DoScenarioServer start(URI validator, SSLContext tls) {
    try {
      return new DoScenarioServer(validator, tls);
    } catch (IOException e) {
      throw new IllegalStateException("cannot bind a loopback port", e);
    }
  }

  URI url() {
    return URI.create(scheme + "://127.0.0.1:" + server.getAddress().getPort());
  }

  /** The phases every app created from now on goes through, one per read. */
  DoScenarioServer deployments(List<String> newPhases, String newFailure) {
    this.phases = List.copyOf(newPhases);
    this.failure = newFailure;
    return this;
  }

  /** The next request of this method under this path gets this response instead. */
  DoScenarioServer script(
      String method, String pathPrefix, int status, String body, Map<String, String> headers) {
    return script(method, pathPrefix, status, body, headers, () -> {});
  }

  /** As above, doing {@code before} (e.g. removing an app behind Ferry's back) first. */
  DoScenarioServer script(
      String method,
      String pathPrefix,
      int status,
      String body,
      Map<String, String> headers,
      Runnable before) {
    synchronized (scripted) {
      scripted.addLast(new Scripted(method, pathPrefix, status, body, headers, before));
    }
    return this;
  }

  /** Runs {@code action} before the next request of this method under this path is served. */
  DoScenarioServer beforeNext(String method, String pathPrefix, Runnable action) {
    return script(method, pathPrefix, -1, "", Map.of(), action);
  }

  /** Removes an app as someone else would. */
  void remove(String name) {
    app(name).ifPresent(a -> apps.remove(a.id));
  }

  /** Puts an app there as if an earlier provision had made it. */
  StoredApp seed(ObjectNode spec) {
    StoredApp app = new StoredApp(spec, List.of("ACTIVE"), null);
    apps.put(app.id, app);
    return app;
  }

  Optional<StoredApp> app(String name) {
    return apps.values().stream().filter(a -> a.name().equals(name)).findFirst();
  }

  int appCount() {
    return apps.size();
  }

  List<String> violations() {
    return List.copyOf(violations);
  }

  void clearViolations() {
    violations.clear();
  }

  List<String> requests() {
    return List.copyOf(requests);
  }

  long requestsMatching(Predicate<String> filter) {
    return requests().stream().filter(filter).count();
  }

  void clearRequests() {
    requests.clear();
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      URI uri = exchange.getRequestURI();
      String path = uri.getRawPath();
      byte[] body = exchange.getRequestBody().readAllBytes();
      requests.add(method + " " + uri);
      if (path.startsWith("/v2/")) {
        if (validator != null) {
          SpecificationCheck.check(validator, exchange, method, uri, body)
              .ifPresent(violations::add);
        }
      }
      Optional<Scripted> next = nextScripted(method, path);
      if (next.isPresent() && next.get().status() < 0) {
        next.get().before().run();
      } else if (next.isPresent()) {
        next.get().before().run();
        next.get().headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        respond(exchange, next.get().status(), next.get().body());
        return;
      }
      route(exchange, method, uri, body);
    } catch (RuntimeException e) {
      violations.add("scenario server failed: " + e);
      throw e;
    }
  }

  private void route(HttpExchange exchange, String method, URI uri, byte[] body)
      throws IOException {
    String path = uri.getRawPath();
    if (path.startsWith("/v2/droplets")) {
      droplets.route(exchange, method, uri, body);
      return;
    }
    Matcher m;
    if (path.equals("/v2/apps") && method.equals("POST")) {
      ObjectNode spec = (ObjectNode) JSON.readTree(body).path("spec");
      if (app(spec.path("name").asText()).isPresent()) {
        respond(exchange, 409, error("conflict", "an app with this name already exists"));
        return;
      }
      StoredApp app = new StoredApp(spec, phases, failure);
      apps.put(app.id, app);
      respond(exchange, 200, JSON.createObjectNode().set("app", render(app)).toString());
    } else if (path.equals("/v2/apps") && method.equals("GET")) {
      int page = intParam(uri, "page", 1);
      int perPage = intParam(uri, "per_page", 20);
      List<StoredApp> all = new ArrayList<>(apps.values());
      ArrayNode list = JSON.createArrayNode();
      all.stream()
          .skip((long) (page - 1) * perPage)
          .limit(perPage)
          .forEach(a -> list.add(render(a)));
      ObjectNode response = JSON.createObjectNode();
      response.set("apps", list);
      response.putObject("links").putObject("pages");
      response.putObject("meta").put("total", all.size());
      respond(exchange, 200, response.toString());
    } else if ((m = LOG_URLS.matcher(path)).matches() && method.equals("GET")) {
      String base = url().toString();
      ObjectNode urls = JSON.createObjectNode();
      urls.put("live_url", base.replace("http", "ws") + "/logs/" + m.group(1) + "/live");
      urls.putArray("historic_urls").add(base + "/logs/" + m.group(1));
      respond(exchange, apps.containsKey(m.group(1)) ? 200 : 404, urls.toString());
    } else if ((m = DEPLOYMENTS.matcher(path)).matches() && method.equals("GET")) {
      StoredApp app = apps.get(m.group(1));
      if (app == null) {
        respond(
            exchange,
            404,
            error("not_found", "The resource you were accessing could not be found."));
        return;
      }
      ObjectNode response = JSON.createObjectNode();
      response.putArray("deployments").add(deployment(app));
      response.putObject("links").putObject("pages");
      response.putObject("meta").put("total", 1);
      respond(exchange, 200, response.toString());
    } else if ((m = APP.matcher(path)).matches()) {
      StoredApp app = apps.get(m.group(1));
      if (app == null) {
        respond(
            exchange,
            404,
            error("not_found", "The resource you were accessing could not be found."));
      } else if (method.equals("DELETE")) {
        apps.remove(app.id);
        respond(exchange, 200, JSON.createObjectNode().put("id", app.id).toString());
      } else {
        app.advance();
        respond(exchange, 200, JSON.createObjectNode().set("app", render(app)).toString());
      }
    } else if ((m = LOG_FILE.matcher(path)).matches()) {
      StoredApp app = apps.get(m.group(1));
      String queue =
          app == null
              ? "?"
              : app.env("FERRY_TASK_QUEUE").map(e -> e.path("value").asText()).orElse("?");
      exchange.getResponseHeaders().add("Content-Type", "text/plain");
      respond(exchange, 200, "starting\nbooted queue=" + queue + "\n");
    } else {
      respond(exchange, 404, error("not_found", "no scenario for " + method + " " + path));
    }
  }

  /**
   * The app as DigitalOcean shows it: secrets encrypted, the deployment where its phase puts it.
   */
  private ObjectNode render(StoredApp app) {
    ObjectNode node = JSON.createObjectNode();
    node.put("id", app.id);
    ObjectNode spec = app.spec.deepCopy();
    for (JsonNode env : spec.path("workers").path(0).path("envs")) {
      if ("SECRET".equals(env.path("type").asText())) {
        ((ObjectNode) env).put("value", "EV[1:encrypted]");
      }
    }
    node.set("spec", spec);
    String phase = app.phase();
    switch (phase) {
      case "ACTIVE" -> node.set("active_deployment", deployment(app));
      // A first deployment that failed shows only in the app's deployment list.
      case "ERROR", "CANCELED" -> {}
      default -> node.set("in_progress_deployment", deployment(app));
    }
    return node;
  }

  private ObjectNode deployment(StoredApp app) {
    ObjectNode deployment = JSON.createObjectNode();
    deployment.put("id", app.deploymentId);
    deployment.put("phase", app.phase());
    deployment.put("cause", "initial deployment");
    if (app.failure != null && app.phase().equals("ERROR")) {
      ObjectNode step = deployment.putObject("progress").putArray("steps").addObject();
      step.put("name", "deploy");
      step.put("status", "ERROR");
      ObjectNode inner = step.putArray("steps").addObject();
      inner.put("name", "worker");
      inner.put("status", "ERROR");
      inner
          .putObject("reason")
          .put("code", "DeployContainerExitNonZero")
          .put("message", app.failure);
    }
    return deployment;
  }

  private Optional<Scripted> nextScripted(String method, String path) {
    synchronized (scripted) {
      for (var it = scripted.iterator(); it.hasNext(); ) {
        Scripted s = it.next();
        if (s.method().equals(method) && path.startsWith(s.pathPrefix())) {
          it.remove();
          return Optional.of(s);
        }
      }
    }
    return Optional.empty();
  }

  static String error(String id, String message) {
    return JSON.createObjectNode().put("id", id).put("message", message).toString();
  }

  static int intParam(URI uri, String name, int otherwise) {
    if (uri.getRawQuery() == null) {
      return otherwise;
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (String pair : uri.getRawQuery().split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        params.put(pair.substring(0, eq), pair.substring(eq + 1));
      }
    }
    return params.containsKey(name) ? Integer.parseInt(params.get(name)) : otherwise;
  }

  static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    if (!exchange.getResponseHeaders().containsKey("Content-Type")) {
      exchange.getResponseHeaders().add("Content-Type", "application/json");
    }
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    exchange.getResponseBody().write(bytes);
  }
}
