package dev.ferry.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * JSON as every entry point reads it (the CLI's {@code --input}, HTTP bodies, webhooks, workload
 * input): nothing after the value, no duplicate keys, no strings for numbers or booleans, no
 * fractions for whole numbers, no unknown fields in a record.
 */
public final class StrictJson {

  /** Reads trees and records strictly. */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
          .withCoercionConfig(
              LogicalType.Integer,
              c ->
                  c.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                      .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                      .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
          .withCoercionConfig(
              LogicalType.Float,
              c ->
                  c.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                      .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
          .withCoercionConfig(
              LogicalType.Boolean,
              c ->
                  c.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                      .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail))
          .withCoercionConfig(
              LogicalType.Textual,
              c ->
                  c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                      .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                      .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
          .build();

  private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '([^']*)'");

  private StrictJson() {}

  /**
   * Reads one JSON value.
   *
   * @throws Invalid naming what is wrong (and the duplicated key, if that is it)
   */
  public static JsonNode readTree(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw Invalid.of(e);
    }
  }

  /** Reads one JSON value from bytes; see {@link #readTree(String)}. */
  public static JsonNode readTree(byte[] bytes) {
    try {
      return MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw Invalid.of(e);
    } catch (IOException e) {
      throw new Invalid(null, "the JSON could not be read: " + e.getMessage());
    }
  }

  /** JSON that is not strictly valid. */
  public static final class Invalid extends IllegalArgumentException {
    private final String key;

    Invalid(String key, String message) {
      super(message);
      this.key = key;
    }

    static Invalid of(JsonProcessingException e) {
      String message = e.getOriginalMessage();
      Matcher duplicate = DUPLICATE.matcher(message);
      if (duplicate.find()) {
        return new Invalid(
            duplicate.group(1), "duplicate key '" + duplicate.group(1) + "': each key once");
      }
      if (message.startsWith("Trailing token")) {
        return new Invalid(null, "unexpected text after the JSON value: " + message);
      }
      return new Invalid(null, message);
    }

    /** The duplicated key, or null. */
    public String key() {
      return key;
    }
  }
}
