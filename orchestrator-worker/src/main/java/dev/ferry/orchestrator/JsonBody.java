package dev.ferry.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.api.StrictJson;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Set;

/** A request's JSON object, read with a size cap, and its fields read with errors naming them. */
final class JsonBody {

  static final ObjectMapper JSON = new ObjectMapper();

  private final JsonNode node;

  private JsonBody(JsonNode node) {
    this.node = node;
  }

  /** The raw body, at most {@link HttpSettings#MAX_BODY_BYTES}; 413 beyond. */
  static byte[] raw(Context ctx) {
    long declared = ctx.contentLength();
    if (declared > HttpSettings.MAX_BODY_BYTES) {
      throw tooLarge();
    }
    try (InputStream in = ctx.req().getInputStream()) {
      byte[] body = in.readNBytes(HttpSettings.MAX_BODY_BYTES + 1);
      if (body.length > HttpSettings.MAX_BODY_BYTES) {
        throw tooLarge();
      }
      return body;
    } catch (IOException e) {
      throw new BadRequest(400, null, "the request body could not be read: " + e.getMessage());
    }
  }

  static JsonBody parse(byte[] raw, Set<String> allowed) {
    JsonNode node;
    try {
      node = raw.length == 0 ? null : StrictJson.readTree(raw);
    } catch (StrictJson.Invalid e) {
      throw new BadRequest(400, e.key(), "the body is not valid JSON: " + e.getMessage());
    }
    if (node == null || !node.isObject()) {
      throw new BadRequest(400, null, "the body must be a JSON object");
    }
    if (allowed != null) {
      for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (!allowed.contains(name)) {
          throw BadRequest.field(name, "unknown field '" + name + "'; known: " + allowed);
        }
      }
    }
    return new JsonBody(node);
  }

  JsonNode node() {
    return node;
  }

  String text(String field) {
    String value = optionalText(field);
    if (value == null) {
      throw BadRequest.field(field, field + " is required");
    }
    return value;
  }

  String optionalText(String field) {
    JsonNode value = at(field);
    if (value.isMissingNode() || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw BadRequest.field(field, field + " must be a string");
    }
    return value.asText();
  }

  int integer(String field, boolean required) {
    JsonNode value = at(field);
    if (value.isMissingNode() || value.isNull()) {
      if (required) {
        throw BadRequest.field(field, field + " is required");
      }
      return 0;
    }
    if (!value.isIntegralNumber()) {
      throw BadRequest.field(field, field + " must be a whole number, was " + value);
    }
    if (!value.canConvertToInt()) {
      throw BadRequest.field(
          field, field + " must be at most " + Integer.MAX_VALUE + ", was " + value);
    }
    return value.asInt();
  }

  double number(String field) {
    JsonNode value = at(field);
    if (value.isMissingNode() || value.isNull()) {
      return 0;
    }
    if (!value.isNumber()) {
      throw BadRequest.field(field, field + " must be a number, was " + value);
    }
    return value.asDouble();
  }

  Duration duration(String field) {
    String text = optionalText(field);
    if (text == null) {
      return null;
    }
    try {
      return Duration.parse(text);
    } catch (DateTimeParseException e) {
      throw BadRequest.field(field, field + " must be an ISO-8601 duration like PT5M");
    }
  }

  /** A field by dotted path, such as {@code pull_request.head.sha}. */
  JsonNode at(String path) {
    JsonNode current = node;
    for (String part : path.split("\\.")) {
      current = current.path(part);
    }
    return current;
  }

  private static BadRequest tooLarge() {
    return new BadRequest(
        413, null, "the body is larger than " + HttpSettings.MAX_BODY_BYTES + " bytes");
  }
}
