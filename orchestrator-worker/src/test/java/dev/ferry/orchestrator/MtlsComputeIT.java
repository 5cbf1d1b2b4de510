package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.api.AttemptOutcome;
import dev.ferry.api.AttemptSummary;
import dev.ferry.api.Labels;
import dev.ferry.api.PrimesOutput;
import dev.ferry.api.RunResult;
import dev.ferry.api.RunWorkflow;
import dev.ferry.api.TemporalConnection;
import dev.ferry.external.ExternalWorkerConfig;
import dev.ferry.providers.Infrastructure;
import io.grpc.StatusRuntimeException;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mTLS from compute, as Temporal Cloud asks for it: the real Temporal dev server behind a TLS front
 * that requires a client certificate of the test's CA ({@link MtlsTerminator}). The orchestrator is
 * configured with certificate, key and CA <em>files</em>; its worker runs in a Docker container
 * that has none of them, gets their content as {@code TEMPORAL_TLS_*_DATA}, and connects through
 * the front. A worker's connection without the client certificate is refused by the front.
 */
class MtlsComputeIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long BELOW = 1_000_000_000L;

  /** π(10^9), from published tables. */
  private static final long PRIMES_BELOW = 50_847_534L;

  @TempDir Path dir;

  @Test
  void aDockerWorkerGetsTheOrchestratorsTlsFilesAsDataAndConnectsThroughMtls() throws Exception {
    Infrastructure.require("a Docker engine (docker info)", DockerImages.engineAnswers());
    Optional<Path> cli = TemporalDevServer.cli();
    Infrastructure.require(
        "the Temporal CLI (temporal server start-dev; PATH or "
            + TemporalDevServer.CLI_VARIABLE
            + ")",
        cli.isPresent());
    String image = DockerImages.workerImage();
    Path pkiDir = dir.resolve("pki");
    TestPki pki = TestPki.create(pkiDir);
    TemporalDevServer temporal = TemporalDevServer.start(cli.get(), dir);
    String backend = temporal.address();
    try (FerryProcesses ferry = new FerryProcesses(dir, temporal);
        MtlsTerminator front =
            new MtlsTerminator(
                pki, Integer.parseInt(backend.substring(backend.lastIndexOf(':') + 1)))) {
      // The CLI and the test's client use the dev server's plaintext port; the orchestrator and
      // its workers only the mTLS front.
      ferry.startOrchestrator(
          Map.of(
              "FERRY_PROVIDER", "docker",
              "FERRY_IMAGE", image,
              "TEMPORAL_ADDRESS", front.address(),
              "TEMPORAL_TLS_CLIENT_CERT_PATH", pki.client().certFile().toString(),
              "TEMPORAL_TLS_CLIENT_KEY_PATH", pki.client().keyFile().toString(),
              "TEMPORAL_TLS_SERVER_CA_CERT_PATH", pki.ca().certFile().toString()));
      RunWorkflow run =
          LongPrimesRun.start(ferry.client(), "mtls-docker", Duration.ofMinutes(2), BELOW);
      LongPrimesRun.awaitCheckpoint(ferry.client(), "mtls-docker");
      String container = run.status().compute().resourceId();

      // Paused, so that the container is still there to inspect however fast the workload is.
      FrozenCompute frozen = FrozenCompute.container(container);
      String inspected;
      Map<String, String> env;
      try {
        inspected = docker("inspect", container);
        env = environment(docker("inspect", "--format", "{{json .Config.Env}}", container));
      } finally {
        frozen.thaw();
      }
      RunResult result = WorkflowStub.fromTyped(run).getResult(RunResult.class);

      assertThat(JSON.treeToValue(result.output(), PrimesOutput.class).count())
          .isEqualTo(PRIMES_BELOW);
      assertThat(result.attempts())
          .extracting(AttemptSummary::outcome)
          .containsExactly(AttemptOutcome.SUCCEEDED);
      assertThat(env)
          .containsEntry("TEMPORAL_ADDRESS", front.address())
          .containsEntry("TEMPORAL_TLS_CLIENT_CERT_DATA", Files.readString(pki.client().certFile()))
          .containsEntry("TEMPORAL_TLS_CLIENT_KEY_DATA", Files.readString(pki.client().keyFile()))
          .containsEntry("TEMPORAL_TLS_SERVER_CA_CERT_DATA", Files.readString(pki.ca().certFile()));
      assertThat(env.keySet())
          .noneMatch(name -> name.endsWith("_PATH"))
          .doesNotContain("TEMPORAL_PROFILE", "TEMPORAL_CONFIG_FILE");
      assertThat(inspected).doesNotContain(pkiDir.toString(), "_PATH");
      assertThat(front.accepted())
          .as("the orchestrator's connection and the worker's came through the front")
          .isGreaterThanOrEqualTo(2);
      assertThat(front.refused()).isEmpty();
      assertThat(DockerImages.containers(Labels.WORKFLOW_ID + "=mtls-docker")).isEmpty();
      String history = HistoryText.of(ferry.client(), "mtls-docker");
      for (String line : pki.clientKeyLines()) {
        assertThat(history).doesNotContain(line);
        assertThat(ferry.log("orchestrator.log")).doesNotContain(line);
      }

      // The worker's connection as its code makes it from that environment, then the same
      // without the client certificate: the front refuses that one.
      systemInfo(env);
      assertThat(front.refused()).isEmpty();
      Map<String, String> withoutCert = new HashMap<>(env);
      withoutCert.remove("TEMPORAL_TLS_CLIENT_CERT_DATA");
      withoutCert.remove("TEMPORAL_TLS_CLIENT_KEY_DATA");
      assertThatThrownBy(() -> systemInfo(withoutCert)).isInstanceOf(StatusRuntimeException.class);
      assertThat(front.refused())
          .as("handshakes refused by the front")
          .anyMatch(reason -> reason.contains("certificate"));
    }
  }

  /** Asks the server for its info over the connection a worker with this environment makes. */
  private static void systemInfo(Map<String, String> workerEnv) {
    ExternalWorkerConfig config = ExternalWorkerConfig.fromEnvironment(workerEnv);
    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newServiceStubs(TemporalConnection.stubsOptions(config.temporal()));
    try {
      stubs
          .blockingStub()
          .withDeadlineAfter(30, TimeUnit.SECONDS)
          .getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
    } finally {
      stubs.shutdownNow();
    }
  }

  private static Map<String, String> environment(String json) throws Exception {
    Map<String, String> env = new HashMap<>();
    for (String entry : JSON.readValue(json, new TypeReference<List<String>>() {})) {
      int eq = entry.indexOf('=');
      env.put(entry.substring(0, eq), entry.substring(eq + 1));
    }
    return env;
  }

  private static String docker(String... args) {
    List<String> command = new java.util.ArrayList<>(List.of("docker"));
    command.addAll(List.of(args));
    DockerImages.Result result = DockerImages.run(command);
    assertThat(result.exitCode()).as(result.stdout()).isZero();
    return result.stdout();
  }
}
