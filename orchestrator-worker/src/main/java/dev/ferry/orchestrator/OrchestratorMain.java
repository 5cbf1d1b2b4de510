package dev.ferry.orchestrator;

import dev.ferry.starter.FerryCli;
import java.io.PrintStream;
import java.util.Map;
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
    System.exit(run(args, System.getenv(), System.out, System.err));
  }

  /** Runs one command line and returns its exit code. */
  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    CommandLine commandLine =
        new CommandLine(new OrchestratorMain(), new Factory(env, out, err))
            .setExecutionExceptionHandler(
                (e, cmd, parsed) -> {
                  if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
                    err.println("ferry: " + e.getMessage());
                    return FerryCli.USAGE;
                  }
                  throw e;
                });
    return commandLine.execute(args);
  }

  /** Hands the environment and streams to the subcommands. */
  private record Factory(Map<String, String> env, PrintStream out, PrintStream err)
      implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> type) throws Exception {
      if (type == Server.class) {
        return type.cast(new Server(env));
      }
      if (type == Demo.class) {
        return type.cast(new Demo(env, out, err));
      }
      return CommandLine.defaultFactory().create(type);
    }
  }

  /** The orchestrator worker, until SIGTERM. */
  @Command(name = "server", description = "Run the orchestrator worker until stopped.")
  static final class Server implements Callable<Integer> {
    private final Map<String, String> env;

    Server(Map<String, String> env) {
      this.env = env;
    }

    @Override
    public Integer call() throws InterruptedException {
      Orchestrator orchestrator = Orchestrator.start(OrchestratorConfig.fromEnvironment(env));
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    orchestrator.close();
                    stopped.countDown();
                  },
                  "ferry-shutdown"));
      stopped.await();
      return FerryCli.OK;
    }
  }

  /**
   * Embedded Temporal, the orchestrator and one {@code primes} run in one process: what Ferry does,
   * with nothing installed.
   */
  @Command(name = "demo", description = "Run primes below 10,000,000 on ephemeral compute.")
  static final class Demo implements Callable<Integer> {
    static final String INPUT = "{\"below\": 10000000}";

    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;

    Demo(Map<String, String> env, PrintStream out, PrintStream err) {
      this.env = env;
      this.out = out;
      this.err = err;
    }

    @Override
    public Integer call() {
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
        return new FerryCli(orchestrator::client)
            .run(new String[] {"run", "primes", "--input", INPUT, "--wait"}, out, err);
      }
    }
  }
}
