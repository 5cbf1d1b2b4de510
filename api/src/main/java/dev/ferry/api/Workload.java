package dev.ferry.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The built-in workloads, each with the record its input must fit. */
public enum Workload {
  PRIMES("primes", PrimesInput.class),
  SHELL("shell", ShellInput.class),
  PR_CHECK("pr-check", PrCheckInput.class);

  private static final ObjectMapper MAPPER =
      new ObjectMapper().registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule());

  private final String id;
  private final Class<? extends Record> inputType;

  Workload(String id, Class<? extends Record> inputType) {
    this.id = id;
    this.inputType = inputType;
  }

  public String id() {
    return id;
  }

  public Class<? extends Record> inputType() {
    return inputType;
  }

  public static Optional<Workload> byId(String id) {
    return Arrays.stream(values()).filter(w -> w.id.equals(id)).findFirst();
  }

  public static String knownIds() {
    return Arrays.stream(values()).map(Workload::id).collect(Collectors.joining(", "));
  }

  /**
   * Finds the workload and reads its input strictly ({@link StrictJson}: no strings for numbers, no
   * fractions for whole numbers, no unknown fields).
   *
   * @throws IllegalArgumentException naming the unknown workload or the input's problem
   */
  public static Record parse(String id, JsonNode input) {
    return find(id).read(input, StrictJson.MAPPER);
  }

  /**
   * Finds the workload and reads its input as runs started before {@link RequestBounds} did
   * (numbers in strings and fractions converted): only for replaying such runs.
   */
  public static Record parseLenient(String id, JsonNode input) {
    return find(id).read(input, MAPPER);
  }

  private static Workload find(String id) {
    return byId(id)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown workload '" + id + "'; known workloads: " + knownIds()));
  }

  /** Reads this workload's input, with an error that names the bad field. */
  public <T extends Record> T read(JsonNode input, Class<T> type) {
    if (!type.equals(inputType)) {
      throw new IllegalArgumentException(type + " is not the input of workload " + id);
    }
    return type.cast(read(input, MAPPER));
  }

  private Record read(JsonNode input, ObjectMapper mapper) {
    try {
      return mapper
          .readerFor(inputType)
          .with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .readValue(input);
    } catch (java.io.IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "invalid input for workload '" + id + "': " + rootMessage(e), e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    String message = cause.getMessage();
    if (cause instanceof com.fasterxml.jackson.core.JsonProcessingException json) {
      message =
          json.getOriginalMessage()
              .replaceAll(" \\(but [^)]*`CoercionConfig`[^)]*\\)", "")
              .replaceAll(" \\(class [^)]*\\), not marked as ignorable", "");
    }
    if (cause instanceof com.fasterxml.jackson.databind.JsonMappingException mapping
        && !mapping.getPath().isEmpty()) {
      String path =
          mapping.getPath().stream()
              .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
              .collect(Collectors.joining("."));
      if (!message.contains("\"" + path + "\"")) {
        message = path + ": " + message;
      }
    }
    return message;
  }
}
