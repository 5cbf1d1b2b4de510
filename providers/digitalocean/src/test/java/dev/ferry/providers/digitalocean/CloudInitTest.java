package dev.ferry.providers.digitalocean;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.providers.Infrastructure;
import dev.ferry.providers.WorkerLockdown;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CloudInitTest {

  @Test
  void powersOffAtTheLeaseBeforeAnythingElse() {
    String script =
        CloudInit.script("ghcr.io/acme/worker:1", Map.of(), Instant.parse("2030-01-02T03:04:05Z"));

    assertThat(script.indexOf("systemd-run --on-calendar='2030-01-02 03:04:05 UTC' /sbin/poweroff"))
        .isPositive()
        .isLessThan(script.indexOf("docker run"));
    assertThat(script).contains("|| shutdown -P +").endsWith("/sbin/poweroff\n");
  }

  /** The script parses, and its environment file gives back every value exactly, PEM included. */
  @Test
  void passesEveryValueExactly(@TempDir Path dir) throws IOException, InterruptedException {
    String pem = "-----BEGIN CERTIFICATE-----\nMIIB'x\"$HOME`id`\n-----END CERTIFICATE-----";
    String script =
        CloudInit.script(
            "ghcr.io/acme/worker:1",
            Map.of("TEMPORAL_TLS_CLIENT_CERT_DATA", pem, "FERRY_TASK_QUEUE", "q 1"),
            Instant.now().plusSeconds(600));
    Path file = Files.writeString(dir.resolve("user-data.sh"), script);
    assertThat(run("sh", "-n", file.toString())).isEmpty();

    String envFile =
        script.substring(
            script.indexOf("<<'FERRY_ENV_EOF'\n") + "<<'FERRY_ENV_EOF'\n".length(),
            script.lastIndexOf("FERRY_ENV_EOF\n"));
    Path env = Files.writeString(dir.resolve("env.sh"), envFile);
    assertThat(run("sh", "-c", ". " + env + "; printf %s \"$TEMPORAL_TLS_CLIENT_CERT_DATA\""))
        .isEqualTo(pem);
    assertThat(run("sh", "-c", ". " + env + "; printf %s \"$FERRY_TASK_QUEUE\"")).isEqualTo("q 1");
    assertThat(script).contains("-e FERRY_TASK_QUEUE -e TEMPORAL_TLS_CLIENT_CERT_DATA");
  }

  @Test
  void logsInToThePrivateRegistryWhenGivenCredentials() {
    String script =
        CloudInit.script(
            "registry.digitalocean.com/ferry/worker:1",
            Map.of(),
            null,
            "dop_v1_ro:dop_v1_ro",
            WorkerLockdown.DEFAULT);

    assertThat(script)
        .contains(
            "printf %s 'dop_v1_ro' | docker login 'registry.digitalocean.com' -u 'dop_v1_ro'"
                + " --password-stdin")
        .doesNotContain("systemd-run");
    assertThat(CloudInit.registryHost("busybox:1")).isEqualTo("docker.io");
  }

  @Test
  void runsTheWorkerLockedDownAsTheDockerProviderDoes() {
    String script =
        CloudInit.script(
            "ghcr.io/acme/worker:1",
            Map.of("FERRY_TASK_QUEUE", "q"),
            null,
            null,
            new WorkerLockdown("2000:3000", 64));

    assertThat(dockerRun(script))
        .isEqualTo(
            "docker run --name ferry-worker --network host '--cap-drop' 'ALL' '--security-opt'"
                + " 'no-new-privileges' '--pids-limit' '64' '--read-only' '--tmpfs'"
                + " '/tmp:rw,exec,nosuid,nodev,mode=1777' '--user' '2000:3000' -e FERRY_TASK_QUEUE"
                + " 'ghcr.io/acme/worker:1'");
  }

  /** The secrets' file is root's alone, and gone once the shell holds its values. */
  @Test
  void theEnvironmentFileIsRootsAloneAndDeletedBeforeTheWorkerRuns() {
    String script =
        CloudInit.script("ghcr.io/acme/worker:1", Map.of("TEMPORAL_API_KEY", "k"), null);

    int umask = script.indexOf("umask 077\n");
    int written = script.indexOf("cat > /root/ferry-worker.env.sh");
    int read = script.indexOf(". /root/ferry-worker.env.sh\n");
    int deleted = script.indexOf("rm -f /root/ferry-worker.env.sh\n");
    assertThat(umask).isNotNegative().isLessThan(written);
    assertThat(read).isGreaterThan(written).isLessThan(deleted);
    assertThat(deleted).isLessThan(script.indexOf("docker run"));
  }

  /**
   * The script's own {@code docker run} line, run by sh against the local engine with the secrets
   * in the shell's environment only, gives a container with every lockdown setting in place and a
   * process inside that sees them. Only the container's name (unique per test) and the command
   * after the image (the probe) are the test's.
   */
  @Test
  void theScriptsDockerRunLineGivesALockedDownContainerOnARealEngine(@TempDir Path dir)
      throws IOException, InterruptedException {
    Infrastructure.require("docker and " + BASE_IMAGE, docker("image", "inspect", BASE_IMAGE) == 0);
    String name = "ferry-cloudinit-test-" + UUID.randomUUID();
    String script =
        CloudInit.script(BASE_IMAGE, Map.of("TEMPORAL_API_KEY", "key-from-the-env-file"), null);
    String line =
        dockerRun(script).replace("--name ferry-worker", "--name " + name)
            + " sh -c 'echo key=$TEMPORAL_API_KEY; id -u; grep -E \"^[^ ]+ / \" /proc/mounts;"
            + " (: > /tmp/probe) && echo tmp-writable; (: > /probe) || echo root-read-only;"
            + " grep CapEff /proc/self/status; grep NoNewPrivs /proc/self/status'";
    Path env = dir.resolve("env.sh");
    Files.writeString(env, envFile(script));
    try {
      String seen = run("sh", "-c", ". " + env + "; rm -f " + env + "; " + line);

      assertThat(seen)
          .contains("key=key-from-the-env-file", "10001", "tmp-writable", "root-read-only")
          .containsPattern("(?m)^\\S+ / \\S+ ro,")
          .containsPattern("CapEff:\\s+0+\\n")
          .containsPattern("NoNewPrivs:\\s+1");
      String inspected =
          run(
              "docker",
              "inspect",
              "--format",
              "{{.HostConfig.CapDrop}} {{.HostConfig.SecurityOpt}} {{.HostConfig.PidsLimit}}"
                  + " {{.HostConfig.ReadonlyRootfs}} {{.HostConfig.Tmpfs}} {{.Config.User}}",
              name);
      assertThat(inspected.strip())
          .isEqualTo(
              "[ALL] [no-new-privileges] 512 true map[/tmp:rw,exec,nosuid,nodev,mode=1777]"
                  + " 10001:10001");
    } finally {
      docker("rm", "-f", name);
    }
    assertThat(docker("inspect", name)).as("container left").isNotZero();
  }

  private static final String BASE_IMAGE = "ferry-jre-base:local";

  private static String dockerRun(String script) {
    return script.lines().filter(l -> l.startsWith("docker run ")).findFirst().orElseThrow();
  }

  private static String envFile(String script) {
    return script.substring(
        script.indexOf("<<'FERRY_ENV_EOF'\n") + "<<'FERRY_ENV_EOF'\n".length(),
        script.lastIndexOf("FERRY_ENV_EOF\n"));
  }

  private static int docker(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("docker"));
    command.addAll(List.of(args));
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException noDocker) {
      return -1;
    }
    process.getInputStream().readAllBytes();
    return process.waitFor(60, TimeUnit.SECONDS) ? process.exitValue() : -1;
  }

  private static String run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    return output;
  }
}
