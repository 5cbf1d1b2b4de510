package dev.ferry.external;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.util.FileUtils;

/**
 * Clones a repository and checks out one commit, with JGit so that the image needs no git.
 *
 * <p>The token, when there is one, comes from the worker's environment ({@value #TOKEN}, given to a
 * pull-request check's compute by the orchestrator at provision time), never from the task, and
 * goes over https to the hosts of {@value #TOKEN_HOSTS} only.
 */
final class GitCheckout {

  /** The variable holding a token for private repositories over https. */
  static final String TOKEN = "FERRY_GIT_TOKEN";

  /**
   * The hosts the token may be sent to, comma-separated: a pull request's clone URL is the caller's
   * to choose, and the token must not follow it to a host of theirs.
   */
  static final String TOKEN_HOSTS = "FERRY_GIT_TOKEN_HOSTS";

  static final String DEFAULT_TOKEN_HOSTS = "github.com";

  static final String PULL_HEADS = "+refs/pull/*/head:refs/remotes/origin/pull/*";

  private final String token;
  private final Set<String> tokenHosts;

  GitCheckout(String token, String tokenHosts) {
    this.token = token == null || token.isBlank() ? null : token;
    this.tokenHosts =
        Arrays.stream((tokenHosts == null ? DEFAULT_TOKEN_HOSTS : tokenHosts).split(","))
            .map(host -> host.strip().toLowerCase(Locale.ROOT))
            .filter(host -> !host.isEmpty())
            .collect(Collectors.toUnmodifiableSet());
  }

  /** The token and its hosts from a worker's environment. */
  static GitCheckout fromEnvironment(Map<String, String> env) {
    return new GitCheckout(env.get(TOKEN), env.get(TOKEN_HOSTS));
  }

  /**
   * The credentials for {@code url}: the token for https to one of its hosts (exactly, not a
   * subdomain), none otherwise.
   */
  Optional<CredentialsProvider> credentialsFor(String url) {
    if (token == null) {
      return Optional.empty();
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
    if (!"https".equalsIgnoreCase(uri.getScheme())
        || uri.getHost() == null
        || !tokenHosts.contains(uri.getHost().toLowerCase(Locale.ROOT))) {
      return Optional.empty();
    }
    return Optional.of(new UsernamePasswordCredentialsProvider("x-access-token", token));
  }

  /**
   * Clones {@code url} into {@code dir} and checks out {@code sha} (detached).
   *
   * @throws WorkloadFailedException when the repository or the commit cannot be had: a fresh
   *     compute would not fare better
   */
  void checkout(String url, String sha, Path dir) throws WorkloadFailedException {
    Optional<CredentialsProvider> credentials = credentialsFor(url);
    var clone = Git.cloneRepository().setURI(url).setDirectory(dir.toFile()).setNoCheckout(true);
    credentials.ifPresent(clone::setCredentialsProvider);
    try (Git git = clone.call()) {
      if (!git.getRepository().getObjectDatabase().has(ObjectId.fromString(sha))) {
        // A pull request's head from a fork is on no branch of the base repository: GitHub keeps
        // it under refs/pull/N/head, which a clone does not fetch.
        var fetch = git.fetch().setRefSpecs(new RefSpec(PULL_HEADS));
        credentials.ifPresent(fetch::setCredentialsProvider);
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
