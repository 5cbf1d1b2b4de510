package dev.ferry.external;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.ferry.api.PrCheckInput;
import dev.ferry.api.PrCheckOutput;
import dev.ferry.api.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrCheckWorkloadTest {

  private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule());

  @TempDir Path repo;

  private final List<Progress> reports = new CopyOnWriteArrayList<>();
  private final HeartbeatReporter recorder = (progress, checkpoint) -> reports.add(progress);
  private final PrCheckWorkload workload = new PrCheckWorkload(new GitCheckout(null, null));

  /** Commits the files and returns the new commit's id. */
  static String commit(Path repo, Map<String, String> files) throws Exception {
    try (Git git =
        Files.isDirectory(repo.resolve(".git"))
            ? Git.open(repo.toFile())
            : Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
      for (var file : files.entrySet()) {
        Path path = repo.resolve(file.getKey());
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

  private PrCheckOutput check(String sha, String command, Duration limit) throws Exception {
    JsonNode output =
        workload.run(
            new PrCheckInput(repo.toUri().toString(), sha, command, limit), null, recorder);
    return JSON.treeToValue(output, PrCheckOutput.class);
  }

  @Test
  void runsTheRepositorysCheckFileAtTheRequestedCommit() throws Exception {
    String passing =
        commit(repo, Map.of(".ferry/check", "echo checking; cat state", "state", "good"));
    commit(repo, Map.of("state", "bad"));

    PrCheckOutput output = check(passing, null, null);

    assertThat(output.exitCode()).isZero();
    assertThat(output.tail()).containsExactly("checking", "good");
    assertThat(output.tests()).isNull();
    assertThat(output.duration()).isPositive();
  }

  @Test
  void findsAPullRequestHeadThatIsOnNoBranch() throws Exception {
    commit(repo, Map.of(".ferry/check", "cat state", "state", "main"));
    String forkHead;
    try (Git git = Git.open(repo.toFile())) {
      git.checkout().setCreateBranch(true).setName("fork").call();
      forkHead = commit(repo, Map.of("state", "from-fork"));
      git.checkout().setName("main").call();
      var update = git.getRepository().updateRef("refs/pull/7/head");
      update.setNewObjectId(org.eclipse.jgit.lib.ObjectId.fromString(forkHead));
      update.update();
      git.branchDelete().setBranchNames("fork").setForce(true).call();
    }

    assertThat(check(forkHead, null, null).tail()).containsExactly("from-fork");
  }

  @Test
  void aFailingCheckIsAResultWithItsExitCodeNotAFailure() throws Exception {
    String sha = commit(repo, Map.of(".ferry/check", "echo broken; exit 3"));

    PrCheckOutput output = check(sha, null, null);

    assertThat(output.exitCode()).isEqualTo(3);
    assertThat(output.summary()).isEqualTo("exit 3: broken");
  }

  @Test
  void theRequestsCommandWinsOverTheCheckFile() throws Exception {
    String sha = commit(repo, Map.of(".ferry/check", "exit 1"));

    assertThat(check(sha, "echo from-request", null).tail()).containsExactly("from-request");
  }

  @Test
  void countsJUnitReportsAndNamesTheFailingTests() throws Exception {
    String report =
        """
        <testsuite name="s" tests="3" failures="1">
          <testcase classname="dev.x.MathTest" name="adds"/>
          <testcase classname="dev.x.MathTest" name="divides"><failure message="no"/></testcase>
          <testcase classname="dev.x.MathTest" name="later"><skipped/></testcase>
        </testsuite>
        """;
    String sha =
        commit(
            repo,
            Map.of(
                "report.xml",
                report,
                ".ferry/check",
                "mkdir -p target/surefire-reports && cp report.xml target/surefire-reports/TEST-dev.x.MathTest.xml; exit 1"));

    PrCheckOutput output = check(sha, null, null);

    assertThat(output.tests())
        .isEqualTo(new PrCheckOutput.TestCounts(3, 1, 1, List.of("MathTest.divides")));
    assertThat(output.summary()).isEqualTo("1 of 3 tests failed: MathTest.divides");
  }

  @Test
  void aCheckPastItsTimeLimitIsStoppedAndCountsAsTimedOut() throws Exception {
    String sha = commit(repo, Map.of("f", "x"));

    PrCheckOutput output = check(sha, "echo started; sleep 30", Duration.ofSeconds(1));

    assertThat(output.exitCode()).isEqualTo(PrCheckOutput.TIMED_OUT);
    assertThat(output.duration()).isLessThan(Duration.ofSeconds(20));
    assertThat(output.summary()).isEqualTo("timed out");
  }

  @Test
  void heartbeatsTheLastLineOfOutput() throws Exception {
    String sha = commit(repo, Map.of("f", "x"));

    check(sha, "echo first-line; sleep 2.5; echo done", null);

    assertThat(reports).extracting(Progress::message).contains("first-line");
  }

  @Test
  void theGitTokenIsNotInTheChecksEnvironment() throws Exception {
    String sha = commit(repo, Map.of("f", "x"));

    PrCheckOutput output = check(sha, "echo \"token=${" + GitCheckout.TOKEN + ":-none}\"", null);

    assertThat(output.tail()).containsExactly("token=none");
  }

  @Test
  void failsWhenTheCommitHasNoCheckAndTheRequestNamesNone() throws Exception {
    String sha = commit(repo, Map.of("f", "x"));

    assertThatThrownBy(() -> check(sha, null, null))
        .isInstanceOf(WorkloadFailedException.class)
        .hasMessageContaining("has no .ferry/check");
  }

  @Test
  void failsNamingTheCommitThatCannotBeCheckedOut() throws Exception {
    commit(repo, Map.of("f", "x"));
    String missing = "0123456789abcdef0123456789abcdef01234567";

    assertThatThrownBy(() -> check(missing, "true", null))
        .isInstanceOf(WorkloadFailedException.class)
        .hasMessageContaining("cannot check out " + missing);
  }
}
