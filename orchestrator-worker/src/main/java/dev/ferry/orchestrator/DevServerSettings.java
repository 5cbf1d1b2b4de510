package dev.ferry.orchestrator;

import dev.ferry.api.OwnNamespace;
import java.nio.file.Path;
import java.util.Map;

/**
 * How {@code ferry server} runs Temporal when no {@code TEMPORAL_ADDRESS} is set: the real dev
 * server with its state in the user's data directory, unless {@code FERRY_TEMPORAL=memory}.
 *
 * @param inMemory {@code FERRY_TEMPORAL=memory}: the in-memory test server, nothing persisted
 * @param dataDir {@code FERRY_DATA_DIR}, else {@code $XDG_DATA_HOME/ferry}, else {@code
 *     ~/.local/share/ferry}: the dev server's SQLite file, its log and pid file
 * @param port {@code FERRY_TEMPORAL_PORT} (7233): the dev server's gRPC port
 * @param uiPort {@code FERRY_TEMPORAL_UI_PORT} (8233): its Web UI
 * @param home the user's home directory, under which the CLI is installed when it must be
 * @param namespace {@code TEMPORAL_NAMESPACE}, else {@value OwnNamespace#NAME}: the namespace the
 *     dev server registers at start and everything of Ferry's uses on it
 */
record DevServerSettings(
    boolean inMemory, Path dataDir, int port, int uiPort, Path home, String namespace) {

  static final String MODE = "FERRY_TEMPORAL";
  static final String DATA_DIR = "FERRY_DATA_DIR";
  static final String UI_PORT = "FERRY_TEMPORAL_UI_PORT";
  static final int DEFAULT_UI_PORT = 8233;

  /**
   * Reads the settings.
   *
   * @throws IllegalArgumentException naming the bad variable
   */
  static DevServerSettings fromEnvironment(Map<String, String> env) {
    String mode = env.getOrDefault(MODE, "dev-server").strip();
    if (!mode.equals("dev-server") && !mode.equals("memory")) {
      throw new IllegalArgumentException(
          MODE + " must be dev-server (the default) or memory, was '" + mode + "'");
    }
    Path home = Path.of(env.getOrDefault("HOME", System.getProperty("user.home")));
    int port =
        port(
            "FERRY_TEMPORAL_PORT",
            env.getOrDefault(
                "FERRY_TEMPORAL_PORT", String.valueOf(OrchestratorConfig.DEFAULT_TEMPORAL_PORT)));
    int uiPort = port(UI_PORT, env.getOrDefault(UI_PORT, String.valueOf(DEFAULT_UI_PORT)));
    if (port == uiPort) {
      throw new IllegalArgumentException(
          "FERRY_TEMPORAL_PORT and " + UI_PORT + " must differ, both are " + port);
    }
    return new DevServerSettings(
        mode.equals("memory"), dataDir(env, home), port, uiPort, home, OwnNamespace.of(env));
  }

  /**
   * {@code FERRY_DATA_DIR}, else {@code $XDG_DATA_HOME/ferry}, else {@code ~/.local/share/ferry}.
   */
  static Path dataDir(Map<String, String> env, Path home) {
    String configured = env.get(DATA_DIR);
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured.strip()).toAbsolutePath();
    }
    String xdg = env.get("XDG_DATA_HOME");
    // The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
    if (xdg != null && !xdg.isBlank() && Path.of(xdg.strip()).isAbsolute()) {
      return Path.of(xdg.strip(), "ferry");
    }
    return home.resolve(".local/share/ferry");
  }

  Path database() {
    return dataDir.resolve("temporal.db");
  }

  String address() {
    return "127.0.0.1:" + port;
  }

  private static int port(String variable, String value) {
    try {
      int port = Integer.parseInt(value.strip());
      if (port < 1 || port > 65535) {
        throw new NumberFormatException();
      }
      return port;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          variable + " must be a port number from 1 to 65535, was '" + value + "'");
    }
  }
}
