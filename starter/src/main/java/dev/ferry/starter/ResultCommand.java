package dev.ferry.starter;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ferry result ID}: waits for a run's end and prints its result. */
@Command(name = "result", description = "Wait for run ID to end and print its result.")
final class ResultCommand implements Callable<Integer> {

  private final CliContext context;

  @Parameters(index = "0", paramLabel = "ID")
  String workflowId;

  @Option(names = "--json", description = "machine-readable output on stdout")
  boolean json;

  ResultCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    return new RunWaiter(context, json).await(workflowId, false);
  }
}
