package dev.ferry.starter;

import dev.ferry.api.OwnNamespace;
import dev.ferry.api.TemporalConnection;

/** The {@code ferry} command line: {@code run}, {@code status}, {@code result}, ... */
public final class StarterMain {

  private StarterMain() {}

  public static void main(String[] args) {
    // Its own name: the orchestrator embeds this module and ships its own logback.xml.
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "ferry-cli-logback.xml");
    }
    // Without TEMPORAL_ADDRESS the CLI talks to ferry server's own Temporal, in its own namespace.
    FerryCli cli =
        new FerryCli(() -> TemporalConnection.client(OwnNamespace.applied(System.getenv())));
    System.exit(cli.run(args, System.out, System.err));
  }
}
