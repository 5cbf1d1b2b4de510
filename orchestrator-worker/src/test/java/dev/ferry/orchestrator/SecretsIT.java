package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.api.Labels;
import dev.ferry.api.Secrets;
import dev.ferry.providers.Infrastructure;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A shell command that tries every way to print the worker's credentials — {@code env}, {@code set
 * -x}, an echo of the variables, and the worker process's own environment read from {@code /proc} —
 * on real compute; in a worker container the read of {@code /proc} is denied (the worker is
 * non-dumpable); then the whole workflow history and the CLI's {@code --json} output are searched
 * for the credentials' values, and none is found. The mTLS client key is among them: the
 * orchestrator is given its file, and the worker its content.
 */
class SecretsIT {

  /**
   * Prints the credentials if it can: the variables, then the worker's (its parent's) own, the
   * multi-line client key whole (one NUL-separated entry of {@code environ}; the bracket keeps the
   * variable's name out of what {@code set -x} echoes).
   */
  private static final String LEAKY_COMMAND =
      "env; set -x; echo \"key=$TEMPORAL_API_KEY token=$FERRY_GIT_TOKEN\"; "
          + "echo \"tls=$TEMPORAL_TLS_CLIENT_KEY_DATA\"; "
          + "grep -a -o -E '(TEMPORAL_API_KEY|FERRY_GIT_TOKEN)=[^[:cntrl:]]*' /proc/$PPID/environ; "
          + "grep -a -z '^TEMPORAL_TLS_CLIENT_KEY_DAT[A]=' /proc/$PPID/environ; true";

  @TempDir Path dir;

  @ParameterizedTest(name = "on {0}")
  @ValueSource(strings = {"local", "docker"})
  void noCredentialReachesHistoryOrTheCliWhateverTheCommandPrints(String provider)
      throws Exception {
    String apiKey = "it-api-key-" + UUID.randomUUID();
    String gitToken = "it-git-token-" + UUID.randomUUID();
    Map<String, String> env = new HashMap<>();
    env.put("FERRY_PROVIDER", provider);
    env.put("TEMPORAL_API_KEY", apiKey);
    // An API key turns TLS on by default; the test server speaks plaintext.
    env.put("TEMPORAL_TLS", "false");
    env.put("FERRY_GIT_TOKEN", gitToken);
    TestPki pki = TestPki.create(dir.resolve("pki"));
    env.put("TEMPORAL_TLS_CLIENT_CERT_PATH", pki.client().certFile().toString());
    env.put("TEMPORAL_TLS_CLIENT_KEY_PATH", pki.client().keyFile().toString());
    if (provider.equals("docker")) {
      Infrastructure.require("a Docker engine (docker info)", DockerImages.engineAnswers());
      env.put("FERRY_IMAGE", DockerImages.workerImage());
    }
    try (FerryProcesses ferry = new FerryProcesses(dir)) {
      ferry.startOrchestrator(env);
      String succeeding = "secrets-ok-" + provider;
      String failing = "secrets-failing-" + provider;

      FerryProcesses.Finished ok = run(ferry, succeeding, LEAKY_COMMAND);
      FerryProcesses.Finished failed = run(ferry, failing, LEAKY_COMMAND + "; exit 3");
      FerryProcesses.Finished status = ferry.cli("status", succeeding, "--json");

      assertThat(ok.exitCode()).as(ok.stderr()).isZero();
      assertThat(failed.exitCode()).as(failed.stderr()).isEqualTo(1);
      assertThat(ok.stdout())
          .as("the command's own environment holds none")
          .contains("key= token=", "\"tls=\"");
      if (provider.equals("docker")) {
        // The worker (uid 10001, no capabilities) made itself non-dumpable: its environment is
        // not the command's to read.
        assertThat(ok.stdout())
            .contains("environ: Permission denied")
            .doesNotContain("TEMPORAL_API_KEY=", "TEMPORAL_TLS_CLIENT_KEY_DATA=");
      } else {
        // The local worker runs as the orchestrator's user; root (as in CI) reads any process's
        // environment, and what the command printed of it was redacted.
        assertThat(ok.stdout())
            .containsAnyOf("TEMPORAL_API_KEY=" + Secrets.REDACTED, "environ: Permission denied")
            .containsAnyOf(
                "TEMPORAL_TLS_CLIENT_KEY_DATA=" + Secrets.REDACTED, "environ: Permission denied");
      }
      // Only a pull-request check's compute gets the git token.
      assertThat(ok.stdout()).doesNotContain("FERRY_GIT_TOKEN=");
      for (String id : new String[] {succeeding, failing}) {
        String history = HistoryText.of(ferry.client(), id);
        assertThat(history).as("history of " + id).doesNotContain(apiKey, gitToken);
        assertThat(history).as("history of " + id).doesNotContain(pki.clientKeyLines());
        if (provider.equals("local")) {
          // What the command read of the worker's environment was redacted on its way back.
          assertThat(history).contains(Secrets.REDACTED);
        }
      }
      for (FerryProcesses.Finished cli : new FerryProcesses.Finished[] {ok, failed, status}) {
        assertThat(cli.stdout() + cli.stderr()).doesNotContain(apiKey, gitToken);
        assertThat(cli.stdout() + cli.stderr()).doesNotContain(pki.clientKeyLines());
      }
      if (provider.equals("docker")) {
        assertThat(DockerImages.containers(Labels.WORKFLOW_ID + "=" + succeeding)).isEmpty();
        assertThat(DockerImages.containers(Labels.WORKFLOW_ID + "=" + failing)).isEmpty();
      } else {
        assertThat(ferry.localResources()).isEmpty();
      }
    }
  }

  private static FerryProcesses.Finished run(FerryProcesses ferry, String id, String command) {
    String input = new ObjectMapper().createObjectNode().put("command", command).toString();
    return ferry.cli("run", "shell", "--input", input, "--wait", "--json", "--id", id);
  }
}
