package dev.ferry.external;

import java.io.IOException;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.util.FileUtils;

/**
 * Clones a repository and checks out one commit, with JGit so that the image needs no git.
 *
 * <p>The token, when there is one, comes from the worker's environment ({@value #TOKEN}, given to
 * the compute by the orchestrator at provision time), never from the task.
 */
final class GitCheckout {

  /** The variable holding a token for private repositories over https. */
  static final String TOKEN = "FERRY_GIT_TOKEN";

  static final String PULL_HEADS = "+refs/pull/*/head:refs/remotes/origin/pull/*";

  private final String token;

  GitCheckout(String token) {
    this.token = token == null || token.isBlank() ? null : token;
  }

  /**
   * Clones {@code url} into {@code dir} and checks out {@code sha} (detached).
   *
   * @throws WorkloadFailedException when the repository or the commit cannot be had: a fresh
   *     compute would not fare better
   */
  void checkout(String url, String sha, Path dir) throws WorkloadFailedException {
    var clone = Git.cloneRepository().setURI(url).setDirectory(dir.toFile()).setNoCheckout(true);
    if (token != null && url.startsWith("https://")) {
      clone.setCredentialsProvider(
          new UsernamePasswordCredentialsProvider("x-access-token", token));
    }
    try (Git git = clone.call()) {
      if (!git.getRepository().getObjectDatabase().has(ObjectId.fromString(sha))) {
        // A pull request's head from a fork is on no branch of the base repository: GitHub keeps
        // it under refs/pull/N/head, which a clone does not fetch.
        var fetch = git.fetch().setRefSpecs(new RefSpec(PULL_HEADS));
        if (token != null && url.startsWith("https://")) {
          fetch.setCredentialsProvider(
              new UsernamePasswordCredentialsProvider("x-access-token", token));
        }
        fetch.call();
      }
      // A hard reset fills the empty index and working tree of a no-checkout clone in one go.
      git.reset().setMode(org.eclipse.jgit.api.ResetCommand.ResetType.HARD).setRef(sha).call();
      if (!sha.equals(git.getRepository().resolve("HEAD").getName())) {
        throw new IllegalStateException("HEAD is not at " + sha + " after the reset");
      }
    } catch (GitAPIException | IOException | RuntimeException e) {
      throw new WorkloadFailedException(
          "cannot check out " + sha + " from " + url + ": " + e.getMessage(), null);
    }
  }

  /**
   * Deletes the checkout, files that vanish meanwhile included (JGit's background auto-gc may still
   * be writing its lock files); a temporary directory left on ephemeral compute goes with the
   * compute, so what cannot be deleted is left.
   */
  static void deleteQuietly(Path dir) {
    try {
      FileUtils.delete(
          dir.toFile(),
          FileUtils.RECURSIVE | FileUtils.RETRY | FileUtils.SKIP_MISSING | FileUtils.IGNORE_ERRORS);
    } catch (IOException e) {
      // Left for the compute's end.
    }
  }
}
