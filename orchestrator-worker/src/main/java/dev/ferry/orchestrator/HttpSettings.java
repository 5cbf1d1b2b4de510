package dev.ferry.orchestrator;

import java.util.Map;

/**
 * Where the HTTP API listens.
 *
 * @param bind {@code FERRY_HTTP_BIND}, default {@value #DEFAULT_BIND}: loopback unless asked
 * @param port {@code FERRY_HTTP_PORT}, default {@value #DEFAULT_PORT}; 0 for any free port
 */
record HttpSettings(String bind, int port) {

  static final String DEFAULT_BIND = "127.0.0.1";
  static final int DEFAULT_PORT = 6007;

  /** The largest request body the API reads; larger ones get 413. */
  static final int MAX_BODY_BYTES = 1024 * 1024;

  static HttpSettings fromEnvironment(Map<String, String> env) {
    String bind = env.getOrDefault("FERRY_HTTP_BIND", DEFAULT_BIND).strip();
    String port = env.getOrDefault("FERRY_HTTP_PORT", String.valueOf(DEFAULT_PORT)).strip();
    try {
      int value = Integer.parseInt(port);
      if (value < 0 || value > 65535) {
        throw new NumberFormatException();
      }
      return new HttpSettings(bind.isEmpty() ? DEFAULT_BIND : bind, value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "FERRY_HTTP_PORT must be a port number from 0 to 65535, was '" + port + "'");
    }
  }
}
