package dev.ferry.starter;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.ferry.api.ExitCodes;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowClient;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;

/**
 * Triggers and inspects runs. Exit codes: 0 success, 1 the run failed, 2 usage or configuration
 * error. Machine-readable output ({@code --json}) goes to stdout; progress to stderr.
 */
@Command(
    name = "ferry",
    mixinStandardHelpOptions = true,
    scope = ScopeType.INHERIT,
    description = "Runs heavy Temporal activities on ephemeral compute.")
public final class FerryCli {

  public static final int OK = ExitCodes.OK;
  public static final int RUN_FAILED = ExitCodes.RUN_FAILED;
  public static final int USAGE = ExitCodes.USAGE;

  static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS);

  private final Supplier<WorkflowClient> clients;
  private final Duration pollInterval;

  public FerryCli(Supplier<WorkflowClient> clients) {
    this(clients, Duration.ofSeconds(1));
  }

  public FerryCli(Supplier<WorkflowClient> clients, Duration pollInterval) {
    this.clients = clients;
    this.pollInterval = pollInterval;
  }

  /** Runs one command line and returns its exit code. */
  public int run(String[] args, PrintStream out, PrintStream err) {
    PrintWriter outWriter = new PrintWriter(out, true);
    PrintWriter errWriter = new PrintWriter(err, true);
    CliContext context =
        new CliContext(new LazyClient(clients), outWriter, errWriter, pollInterval);
    CommandLine commandLine =
        new CommandLine(this)
            .addSubcommand(new RunCommand(context))
            .addSubcommand(new StatusCommand(context))
            .addSubcommand(new ResultCommand(context))
            .addSubcommand(new CancelCommand(context))
            .addSubcommand(new ListCommand(context))
            .addSubcommand(new PrCommand(context))
            .setOut(outWriter)
            .setErr(errWriter)
            .setExecutionExceptionHandler(
                (e, cmd, parsed) -> {
                  if (e instanceof UsageException || e instanceof IllegalArgumentException) {
                    cmd.getErr().println("ferry: " + e.getMessage());
                    return USAGE;
                  }
                  if (unreachable(e)) {
                    cmd.getErr()
                        .println(
                            "ferry: cannot reach Temporal at "
                                + context
                                    .client()
                                    .get()
                                    .getWorkflowServiceStubs()
                                    .getOptions()
                                    .getTarget()
                                + ": start it with `ferry server`, or set TEMPORAL_ADDRESS");
                    return USAGE;
                  }
                  throw e;
                });
    commandLine.registerConverter(Duration.class, DurationConverter::parse);
    try {
      if (args.length == 0) {
        commandLine.usage(errWriter);
        return USAGE;
      }
      return commandLine.execute(args);
    } finally {
      outWriter.flush();
      errWriter.flush();
    }
  }

  /** Whether Temporal could not be reached: a configuration problem, not a failed run. */
  private static boolean unreachable(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof StatusRuntimeException status
          && (status.getStatus().getCode() == Status.Code.UNAVAILABLE
              || status.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED)) {
        return true;
      }
    }
    return false;
  }

  /** A mistake of the caller's: exit code 2 with this message. */
  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }
}
