package dev.ferry.starter;

import dev.ferry.api.ComputeSpec;
import dev.ferry.api.PullRequestCheck;
import dev.ferry.api.PullRequestTrigger;
import dev.ferry.api.RequestBounds;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ferry pr}: checks a pull request's base and head, as {@code POST /pr} does; with {@code
 * --wait}, follows both sides to the verdict.
 */
@Command(name = "pr", description = "Check a pull request: base and head in parallel, compared.")
final class PrCommand implements Callable<Integer> {

  private final CliContext context;

  @Option(names = "--repo", required = true, paramLabel = "OWNER/NAME")
  String repo;

  @Option(names = "--pr", required = true, paramLabel = "N")
  int pr;

  @Option(names = "--old", required = true, paramLabel = "SHA", description = "base commit")
  String oldSha;

  @Option(names = "--new", required = true, paramLabel = "SHA", description = "head commit")
  String newSha;

  @Option(
      names = "--clone-url",
      paramLabel = "URL",
      description = "https:// or file:// (default https://github.com/OWNER/NAME.git)")
  String cloneUrl;

  @Option(names = "--command", description = "check command (default: the repo's .ferry/check)")
  String command;

  @Option(names = "--provider", paramLabel = "ID", description = "local, docker, ...")
  String provider;

  @Option(names = "--wait", description = "follow the check to its verdict")
  boolean waitForEnd;

  @Option(names = "--json", description = "machine-readable output on stdout")
  boolean json;

  PrCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    PullRequestCheck check =
        new PullRequestCheck(
            repo,
            pr,
            oldSha,
            newSha,
            cloneUrl,
            command,
            new ComputeSpec(provider, null, 0, 0, null, Map.of()),
            null);
    try {
      RequestBounds.check(check);
    } catch (RequestBounds.OutOfBounds e) {
      throw new FerryCli.UsageException(
          Map.of("command", "--command", "cloneUrl", "--clone-url", "repo", "--repo")
                  .getOrDefault(e.field(), e.field())
              + ": "
              + e.getMessage());
    }
    String workflowId = PullRequestTrigger.start(context.client().get(), check);
    if (!waitForEnd) {
      context
          .out()
          .println(json ? Output.json(Map.of("workflowId", workflowId)) : "started " + workflowId);
      return FerryCli.OK;
    }
    context.err().println("started " + workflowId);
    return new PrWaiter(context, json).await(workflowId);
  }
}
