package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.AttemptSummary;
import dev.ferry.api.Labels;
import dev.ferry.api.PrimesCheckpoint;
import dev.ferry.api.RunResult;
import dev.ferry.api.RunWorkflow;
import dev.ferry.providers.Infrastructure;
import dev.ferry.providers.awsbatch.MotoServer;
import dev.ferry.providers.registry.ImageName;
import dev.ferry.providers.registry.RegistryClient;
import dev.ferry.providers.registry.RegistryCredentials;
import dev.ferry.providers.registry.TestRegistry;
import io.temporal.client.WorkflowStub;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker image through a real registry with auth (Debian's docker-registry, htpasswd): pushed
 * with {@code ferry image --push}, resolved to its digest when a run starts, pulled by the docker
 * provider with the Docker config's login.
 */
class RegistryEndToEndIT {

  @TempDir Path dir;
  private TestRegistry registry;
  private Path goodConfig;

  @BeforeEach
  void needsAnEngineAndARegistry() {
    Infrastructure.require("a Docker engine (docker info)", DockerImages.engineAnswers());
    registry = TestRegistry.get();
    goodConfig = registry.dockerConfig("good", TestRegistry.PASSWORD);
    // Builds the base image (and warms the build cache) the way the other Docker tests do.
    DockerImages.workerImage();
  }

  @Test
  void aPushedImageIsPulledByItsDigestAndRunsPrimesLeavingNothing() throws Exception {
    String tag = registry.address() + "/ferry/worker:pull-" + System.nanoTime();
    String pinned = push(tag);
    assertThat(pinned).startsWith(registry.address() + "/ferry/worker@sha256:");
    docker("rmi", tag);
    assertThat(DockerImages.run(List.of("docker", "image", "inspect", pinned)).exitCode())
        .as("the engine has no copy of %s before the run", pinned)
        .isNotZero();

    try (FerryProcesses ferry = new FerryProcesses(dir)) {
      ferry.startOrchestrator(orchestratorEnv(tag, goodConfig));

      JsonNode result = ferry.runPrimesToTheEnd("registry-pull");

      assertThat(result.at("/attempts/0/image").asText()).isEqualTo(pinned);
      assertThat(ferry.log("orchestrator.log")).contains("pulled image " + pinned);
      assertThat(DockerImages.containers(Labels.WORKFLOW_ID + "=registry-pull")).isEmpty();
    } finally {
      DockerImages.run(List.of("docker", "rmi", pinned));
    }
  }

  @Test
  void refusedCredentialsFailTheRunWithAnAuthErrorAndCreateNoContainer() throws Exception {
    String tag = registry.address() + "/ferry/worker:auth-" + System.nanoTime();
    push(tag);
    Path wrong = registry.dockerConfig("wrong", "not-the-password");

    try (FerryProcesses ferry = new FerryProcesses(dir)) {
      ferry.startOrchestrator(orchestratorEnv(tag, wrong));

      FerryProcesses.Finished run =
          ferry.cli("run", "primes", "--input", "{\"below\": 1000}", "--wait", "--id", "reg-bad");

      assertThat(run.exitCode()).as(run.stderr()).isEqualTo(1);
      assertThat(run.stderr())
          .contains("registry " + registry.address())
          .contains("HTTP 401")
          .contains("were refused");
      assertThat(DockerImages.containers(Labels.WORKFLOW_ID + "=reg-bad")).isEmpty();
    } finally {
      DockerImages.run(List.of("docker", "rmi", tag));
    }
  }

  @Test
  void noLoginFailsTheRunWithAnAuthErrorThatSaysHowToLogIn() throws Exception {
    String tag = registry.address() + "/ferry/worker:nologin-" + System.nanoTime();
    push(tag);
    Path none = registry.dockerConfig("none", null);

    try (FerryProcesses ferry = new FerryProcesses(dir)) {
      ferry.startOrchestrator(orchestratorEnv(tag, none));

      FerryProcesses.Finished run =
          ferry.cli("run", "primes", "--input", "{\"below\": 1000}", "--wait", "--id", "reg-none");

      assertThat(run.exitCode()).as(run.stderr()).isEqualTo(1);
      assertThat(run.stderr()).contains("docker login " + registry.address());
      assertThat(DockerImages.containers(Labels.WORKFLOW_ID + "=reg-none")).isEmpty();
    } finally {
      DockerImages.run(List.of("docker", "rmi", tag));
    }
  }

  @Test
  void aTagMovedMidRunDoesNotChangeTheImageOfTheNextAttempt() throws Exception {
    String tag = registry.address() + "/ferry/worker:moved-" + System.nanoTime();
    String first = push(tag);
    try (FerryProcesses ferry = new FerryProcesses(dir)) {
      ferry.startOrchestrator(orchestratorEnv(tag, goodConfig));
      RunWorkflow run = LongPrimesRun.start(ferry.client(), "registry-moved");

      LongPrimesRun.awaitCheckpoint(ferry.client(), "registry-moved");
      assertThat(run.status().image()).isEqualTo(first);
      FrozenCompute container = FrozenCompute.container(run.status().compute().resourceId());
      PrimesCheckpoint lastSeen = LongPrimesRun.frozenCheckpoint(ferry.client(), "registry-moved");
      String moved = moveTagToAnImageThatCannotRun(tag);
      assertThat(moved).isNotEqualTo(first);
      container.kill();
      RunResult result = WorkflowStub.fromTyped(run).getResult(RunResult.class);

      LongPrimesRun.assertResumedAfterLoss(result, lastSeen);
      assertThat(result.attempts()).extracting(AttemptSummary::image).containsExactly(first, first);
      assertThat(DockerImages.containers(Labels.WORKFLOW_ID + "=registry-moved")).isEmpty();
    } finally {
      DockerImages.run(List.of("docker", "rmi", tag));
    }
  }

  @Test
  void anAwsBatchJobOnMotoPullsThePinnedImageFromTheRegistry() throws Exception {
    MotoServer moto = MotoServer.get();
    String tag = registry.address() + "/ferry/worker:batch-" + System.nanoTime();
    String pinned = push(tag);
    docker("rmi", tag);
    assertThat(DockerImages.run(List.of("docker", "image", "inspect", pinned)).exitCode())
        .as("the engine has no copy of %s before the run", pinned)
        .isNotZero();
    // moto pulls a missing job image through the engine with the logins of its Docker config.
    Files.copy(
        goodConfig.resolve("config.json"),
        moto.dockerConfig().resolve("config.json"),
        StandardCopyOption.REPLACE_EXISTING);
    try (FerryProcesses ferry = new FerryProcesses(dir)) {
      Map<String, String> env = new HashMap<>(moto.env());
      env.putAll(orchestratorEnv(tag, goodConfig));
      env.put("FERRY_PROVIDER", "aws-batch");
      ferry.startOrchestrator(env);

      JsonNode result = ferry.runPrimesToTheEnd("registry-batch");

      assertThat(result.at("/attempts/0/image").asText()).isEqualTo(pinned);
      assertThat(result.at("/attempts/0/teardown/provider").asText()).isEqualTo("aws-batch");
      assertThat(DockerImages.run(List.of("docker", "image", "inspect", pinned)).exitCode())
          .as("moto pulled %s", pinned)
          .isZero();
    } finally {
      Files.deleteIfExists(moto.dockerConfig().resolve("config.json"));
      DockerImages.run(List.of("docker", "rmi", pinned));
    }
  }

  private Map<String, String> orchestratorEnv(String image, Path dockerConfig) {
    return Map.of(
        "FERRY_PROVIDER", "docker", "FERRY_IMAGE", image, "DOCKER_CONFIG", dockerConfig.toString());
  }

  /**
   * {@code ferry image --push} of {@code tag}, through the script the launcher hands {@code image}
   * to (the launcher itself would first rebuild the jars if a source is newer than them); returns
   * the pinned reference it printed.
   */
  private String push(String tag) throws IOException, InterruptedException {
    Map<String, String> env = new HashMap<>();
    env.put("FERRY_IMAGE", tag);
    env.put("FERRY_BASE_IMAGE", DockerImages.BASE);
    env.put("DOCKER_CONFIG", goodConfig.toString());
    ProcessBuilder builder =
        new ProcessBuilder(FerryProcesses.ROOT.resolve(".ci/image").toString(), "--push")
            .redirectOutput(dir.resolve("push.out").toFile())
            .redirectError(dir.resolve("push.err").toFile());
    builder.environment().putAll(env);
    Process process = builder.start();
    assertThat(process.waitFor(10, TimeUnit.MINUTES)).as("ferry image --push ends").isTrue();
    String out = Files.readString(dir.resolve("push.out"));
    String err = Files.readString(dir.resolve("push.err"));
    assertThat(process.exitValue()).as(err).isZero();
    List<String> lines = out.lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(1)).isEqualTo("export FERRY_IMAGE=" + lines.get(0));
    assertThat(lines.get(0)).isEqualTo(registryDigestOf(tag));
    return lines.get(0);
  }

  /**
   * Pushes, under {@code tag}, an image made from it whose entrypoint does not exist: an attempt
   * that ran the moved tag could not start.
   */
  private String moveTagToAnImageThatCannotRun(String tag) throws IOException {
    Path context = Files.createDirectories(dir.resolve("moved"));
    Files.writeString(
        context.resolve("Dockerfile"),
        "FROM " + tag + "\nENTRYPOINT [\"/ferry-moved-tag-cannot-run\"]\n");
    docker("build", "--network", "none", "-q", "-t", tag, context.toString());
    docker("--config", goodConfig.toString(), "push", tag);
    return registryDigestOf(tag);
  }

  private String registryDigestOf(String tag) {
    ImageName name = ImageName.parse(tag);
    RegistryClient client =
        new RegistryClient(new RegistryCredentials(goodConfig.resolve("config.json")));
    return name.pinnedTo(client.digest(name));
  }

  private static void docker(String... args) {
    List<String> command = new java.util.ArrayList<>(List.of("docker"));
    command.addAll(List.of(args));
    DockerImages.Result result = DockerImages.run(command);
    if (result.exitCode() != 0) {
      throw new UncheckedIOException(
          new IOException(command + " failed (" + result.exitCode() + "): " + result.stdout()));
    }
  }
}
