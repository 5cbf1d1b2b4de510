package dev.ferry.orchestrator;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;

/**
 * Where the HTTP API listens, and who may use it.
 *
 * @param bind {@code FERRY_HTTP_BIND}, default {@value #DEFAULT_BIND}: loopback unless asked
 * @param port {@code FERRY_HTTP_PORT}, default {@value #DEFAULT_PORT}; 0 for any free port
 * @param token {@code FERRY_HTTP_TOKEN}: the bearer token that starting, reading and cancelling
 *     runs requires; null for none, which only a loopback address allows
 */
record HttpSettings(String bind, int port, String token) {

  static final String TOKEN = "FERRY_HTTP_TOKEN";

  /** Shorter tokens are refused: a guessable token is no lock. */
  static final int MIN_TOKEN_LENGTH = 16;

  HttpSettings {
    token = token == null || token.isBlank() ? null : token.strip();
  }

  /** Listening without a token. */
  HttpSettings(String bind, int port) {
    this(bind, port, null);
  }

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
      bind = bind.isEmpty() ? DEFAULT_BIND : bind;
      return checked(new HttpSettings(bind, value, env.get(TOKEN)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "FERRY_HTTP_PORT must be a port number from 0 to 65535, was '" + port + "'");
    }
  }

  /**
   * Refuses an API anyone on the network could use: whoever starts a run chooses what runs with the
   * orchestrator's credentials.
   */
  private static HttpSettings checked(HttpSettings settings) {
    if (settings.token() != null && settings.token().length() < MIN_TOKEN_LENGTH) {
      throw new IllegalArgumentException(
          TOKEN
              + " must be at least "
              + MIN_TOKEN_LENGTH
              + " characters (try: openssl rand -hex 32)");
    }
    if (settings.token() == null && !isLoopback(settings.bind())) {
      throw new IllegalArgumentException(
          "FERRY_HTTP_BIND="
              + settings.bind()
              + " listens beyond this machine, so the API needs "
              + TOKEN
              + " (try: export "
              + TOKEN
              + "=$(openssl rand -hex 32)), or bind 127.0.0.1");
    }
    return settings;
  }

  private static boolean isLoopback(String bind) {
    if (bind.equals("localhost")) {
      return true;
    }
    try {
      // A literal address is parsed, not looked up; a host name is resolved once.
      return InetAddress.getByName(bind).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
