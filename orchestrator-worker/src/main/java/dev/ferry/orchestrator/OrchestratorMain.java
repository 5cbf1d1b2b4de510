package dev.ferry.orchestrator;

import dev.ferry.api.ExitCodes;
import java.io.IOException;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ferry server} and {@code ferry demo}: the orchestrator process. */
@Command(
    name = "ferry",
    mixinStandardHelpOptions = true,
    subcommands = {OrchestratorMain.Server.class, OrchestratorMain.Demo.class})
public final class OrchestratorMain {

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.err));
  }

  /** Runs one command line and returns its exit code. */
  static int run(String[] args, Map<String, String> env, PrintStream err) {
    CommandLine commandLine =
        new CommandLine(new OrchestratorMain(), new Factory(env, err))
            .setExecutionExceptionHandler(
                (e, cmd, parsed) -> {
                  if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
                    err.println("ferry: " + e.getMessage());
                    return ExitCodes.USAGE;
                  }
                  throw e;
                });
    return commandLine.execute(args);
  }

  /** Hands the environment and streams to the subcommands. */
  private record Factory(Map<String, String> env, PrintStream err) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> type) throws Exception {
      if (type == Server.class) {
        return type.cast(new Server(env, err));
      }
      if (type == Demo.class) {
        return type.cast(new Demo(env, err));
      }
      return CommandLine.defaultFactory().create(type);
    }
  }

  /**
   * The orchestrator worker, until SIGTERM: on the Temporal at TEMPORAL_ADDRESS, else on a Temporal
   * dev server it runs itself with its state on disk ({@link PersistentTemporal}), else in memory.
   */
  @Command(name = "server", description = "Run the orchestrator worker until stopped.")
  static final class Server implements Callable<Integer> {
    private final Map<String, String> env;
    private final PrintStream err;

    Server(Map<String, String> env, PrintStream err) {
      this.env = env;
      this.err = err;
    }

    @Override
    public Integer call() throws InterruptedException {
      HttpSettings http = HttpSettings.fromEnvironment(env);
      // Read (certificate and key files included) before anything starts: a bad one exits 2.
      OrchestratorConfig config = OrchestratorConfig.fromEnvironment(env);
      Optional<PersistentTemporal> temporal =
          PersistentTemporal.forServer(env, TemporalCli.PIP, err);
      Map<String, String> effective = new HashMap<>(env);
      Orchestrator orchestrator;
      HttpApi api;
      try {
        if (temporal.isPresent()) {
          effective.putAll(ownTemporal(temporal.get(), env));
          config = OrchestratorConfig.fromEnvironment(effective);
        }
        orchestrator = Orchestrator.start(config);
        try {
          api = HttpApi.start(http, orchestrator.httpRoutes(effective));
        } catch (RuntimeException e) {
          orchestrator.close();
          throw e;
        }
      } catch (RuntimeException e) {
        temporal.ifPresent(PersistentTemporal::close);
        throw e;
      }
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    api.close();
                    orchestrator.close();
                    temporal.ifPresent(PersistentTemporal::close);
                    stopped.countDown();
                  },
                  "ferry-shutdown"));
      stopped.await();
      return ExitCodes.OK;
    }

    /**
     * What changes when this server runs its own dev server: its address and namespace, and a
     * callback key kept next to its state unless FERRY_CALLBACK_SECRET is set, so callback URLs
     * outlive a restart.
     */
    private static Map<String, String> ownTemporal(
        PersistentTemporal temporal, Map<String, String> env) {
      Map<String, String> own = new HashMap<>();
      own.put("TEMPORAL_ADDRESS", temporal.address());
      own.put("TEMPORAL_NAMESPACE", temporal.namespace());
      String secret = env.get("FERRY_CALLBACK_SECRET");
      if (secret == null || secret.isBlank()) {
        own.put("FERRY_CALLBACK_SECRET", CallbackSecretFile.readOrCreate(temporal.dataDir()));
      }
      return own;
    }
  }

  /**
   * Embedded Temporal, the orchestrator and one {@code primes} run in one process: what Ferry does,
   * with nothing installed.
   */
  @Command(name = "demo", description = "Run primes below 10,000,000 on ephemeral compute.")
  static final class Demo implements Callable<Integer> {
    private final Map<String, String> env;
    private final PrintStream err;

    Demo(Map<String, String> env, PrintStream err) {
      this.env = env;
      this.err = err;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
      DemoCompute.Choice compute = DemoCompute.choose(OrchestratorConfig.fromEnvironment(env));
      OrchestratorConfig config = compute.config();
      err.println(
          "ferry demo: "
              + (config.embedded() ? "embedded Temporal on " : "Temporal at ")
              + config.clientAddress()
              + ", provider "
              + config.defaults().provider()
              + ": "
              + compute.reason());
      try (Orchestrator orchestrator = Orchestrator.start(config)) {
        return DemoRun.follow(config);
      }
    }
  }
}
