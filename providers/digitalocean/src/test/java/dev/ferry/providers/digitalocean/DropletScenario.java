package dev.ferry.providers.digitalocean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The droplet part of the scenario server: droplets that boot (new → active) and are deleted. */
final class DropletScenario {

  /** One droplet the server holds, with the request that made it. */
  static final class StoredDroplet {
    final int id;
    final JsonNode request;
    private final Deque<String> statuses = new ArrayDeque<>(List.of("new", "active"));

    StoredDroplet(int id, JsonNode request) {
      this.id = id;
      this.request = request;
    }

    String name() {
      return request.path("name").asText();
    }

    List<String> tags() {
      return new ObjectMapper().convertValue(request.path("tags"), List.class);
    }

    synchronized String status() {
      return statuses.peekFirst();
    }

    synchronized void advance() {
      if (statuses.size() > 1) {
        statuses.removeFirst();
      }
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern DROPLET = Pattern.compile("/v2/droplets/(\\d+)");
  private final Map<Integer, StoredDroplet> droplets = new ConcurrentHashMap<>();
  private final AtomicInteger ids = new AtomicInteger(300_000_000);

  Optional<StoredDroplet> named(String name) {
    return droplets.values().stream().filter(d -> d.name().equals(name)).findFirst();
  }

  int count() {
    return droplets.size();
  }

  /** Puts a droplet there as if made behind Ferry's back (or by a racing provision). */
  StoredDroplet seed(ObjectNode request) {
    StoredDroplet droplet = new StoredDroplet(ids.incrementAndGet(), request);
    droplets.put(droplet.id, droplet);
    return droplet;
  }

  void remove(int id) {
    droplets.remove(id);
  }

  void route(HttpExchange exchange, String method, URI uri, byte[] body) throws IOException {
    String path = uri.getRawPath();
    Matcher m = DROPLET.matcher(path);
    if (path.equals("/v2/droplets") && method.equals("POST")) {
      StoredDroplet droplet = seed((ObjectNode) JSON.readTree(body));
      ObjectNode response = JSON.createObjectNode();
      response.set("droplet", render(droplet));
      response.putObject("links");
      DoScenarioServer.respond(exchange, 202, response.toString());
    } else if (path.equals("/v2/droplets") && method.equals("GET")) {
      String tag = param(uri, "tag_name");
      int page = DoScenarioServer.intParam(uri, "page", 1);
      int perPage = DoScenarioServer.intParam(uri, "per_page", 20);
      ArrayNode list = JSON.createArrayNode();
      List<StoredDroplet> matching =
          droplets.values().stream().filter(d -> tag == null || d.tags().contains(tag)).toList();
      matching.stream()
          .skip((long) (page - 1) * perPage)
          .limit(perPage)
          .forEach(d -> list.add(render(d)));
      ObjectNode response = JSON.createObjectNode();
      response.set("droplets", list);
      response.putObject("links");
      response.putObject("meta").put("total", matching.size());
      DoScenarioServer.respond(exchange, 200, response.toString());
    } else if (m.matches()) {
      StoredDroplet droplet = droplets.get(Integer.parseInt(m.group(1)));
      if (droplet == null) {
        DoScenarioServer.respond(
            exchange,
            404,
            DoScenarioServer.error("not_found", "The resource you requested could not be found."));
      } else if (method.equals("DELETE")) {
        droplets.remove(droplet.id);
        exchange.sendResponseHeaders(204, -1);
      } else {
        droplet.advance();
        DoScenarioServer.respond(
            exchange, 200, JSON.createObjectNode().set("droplet", render(droplet)).toString());
      }
    } else {
      DoScenarioServer.respond(
          exchange, 404, DoScenarioServer.error("not_found", "no scenario for " + path));
    }
  }

  private static ObjectNode render(StoredDroplet droplet) {
    ObjectNode node = JSON.createObjectNode();
    node.put("id", droplet.id);
    node.put("name", droplet.name());
    node.put("status", droplet.status());
    node.put("memory", 2048);
    node.put("vcpus", 1);
    node.put("disk", 50);
    node.put("locked", false);
    node.put("size_slug", droplet.request.path("size").asText());
    node.putObject("region").put("slug", droplet.request.path("region").asText());
    node.putObject("image").put("slug", droplet.request.path("image").asText());
    node.set("tags", droplet.request.path("tags").deepCopy());
    return node;
  }

  private static String param(URI uri, String name) {
    if (uri.getRawQuery() == null) {
      return null;
    }
    for (String pair : uri.getRawQuery().split("&")) {
      if (pair.startsWith(name + "=")) {
        return URLDecoder.decode(pair.substring(name.length() + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }
}
