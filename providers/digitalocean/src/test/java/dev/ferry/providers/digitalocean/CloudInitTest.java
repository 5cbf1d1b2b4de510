package dev.ferry.providers.digitalocean;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
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
            "registry.digitalocean.com/ferry/worker:1", Map.of(), null, "dop_v1_ro:dop_v1_ro");

    assertThat(script)
        .contains(
            "printf %s 'dop_v1_ro' | docker login 'registry.digitalocean.com' -u 'dop_v1_ro'"
                + " --password-stdin")
        .doesNotContain("systemd-run");
    assertThat(CloudInit.registryHost("busybox:1")).isEqualTo("docker.io");
  }

  private static String run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    return output;
  }
}
