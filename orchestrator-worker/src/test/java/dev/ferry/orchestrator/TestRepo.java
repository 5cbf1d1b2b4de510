package dev.ferry.orchestrator;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jgit.api.Git;

/** A local git repository for pull-request checks to clone over {@code file://}. */
final class TestRepo {

  private final Path dir;

  TestRepo(Path dir) {
    this.dir = dir;
  }

  String url() {
    return dir.toUri().toString();
  }

  /** Writes the files, commits them, and returns the commit's id. */
  String commit(Map<String, String> files) throws Exception {
    try (Git git =
        Files.isDirectory(dir.resolve(".git"))
            ? Git.open(dir.toFile())
            : Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
      for (var file : files.entrySet()) {
        Path path = dir.resolve(file.getKey());
        Files.createDirectories(path.getParent());
        Files.writeString(path, file.getValue());
      }
      git.add().addFilepattern(".").call();
      return git.commit()
          .setMessage("change")
          .setAuthor("t", "t@example.com")
          .setCommitter("t", "t@example.com")
          .setSign(false)
          .call()
          .getName();
    }
  }
}
