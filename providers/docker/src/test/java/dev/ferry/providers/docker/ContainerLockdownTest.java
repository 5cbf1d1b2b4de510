package dev.ferry.providers.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import dev.ferry.api.ComputeHandle;
import dev.ferry.api.ComputeSpec;
import dev.ferry.api.Labels;
import dev.ferry.api.ProvisionRequest;
import dev.ferry.providers.LabelSelector;
import dev.ferry.providers.ProviderException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A worker container is locked down, and an image that runs as root gets none. */
class ContainerLockdownTest {

  private final String workflowId = "lockdown-" + UUID.randomUUID();

  @BeforeEach
  void requireEngineAndImage() {
    DockerTestEngine.requireTestImage();
  }

  @Test
  void aWorkerContainerHasNoCapabilitiesNoNewPrivilegesAPidsLimitAndOnlyATmpfsToWrite()
      throws Exception {
    ComputeHandle handle =
        DockerTestEngine.provider().provision(request("locked", DockerTestEngine.TEST_IMAGE));
    try {
      InspectContainerResponse container =
          DockerTestEngine.client().inspectContainerCmd(handle.resourceId()).exec();
      HostConfig host = container.getHostConfig();

      assertThat(host.getCapDrop()).contains(Capability.ALL);
      assertThat(host.getCapAdd()).isNullOrEmpty();
      assertThat(host.getSecurityOpts()).contains("no-new-privileges");
      assertThat(host.getPidsLimit()).isEqualTo(DockerSettings.DEFAULT_PIDS_LIMIT);
      assertThat(host.getReadonlyRootfs()).isTrue();
      assertThat(host.getTmpFs()).containsOnlyKeys("/tmp");
      assertThat(host.getPrivileged()).isNotEqualTo(Boolean.TRUE);
      assertThat(container.getConfig().getUser()).isEqualTo("10001:10001");

      // What a process in it can do, not only what was asked of the engine.
      String seen =
          exec(
              handle.resourceId(),
              "id -u; grep -E '^[^ ]+ / ' /proc/mounts;"
                  + " (: > /tmp/probe) && echo tmp-writable; grep CapEff /proc/self/status;"
                  + " grep NoNewPrivs /proc/self/status");
      assertThat(seen)
          .contains("10001", "tmp-writable")
          .containsPattern("(?m)^\\S+ / \\S+ ro,")
          .containsPattern("CapEff:\\s+0+\\n")
          .containsPattern("NoNewPrivs:\\s+1");
    } finally {
      DockerTestEngine.provider().deprovision(handle);
    }
    assertThat(
            DockerTestEngine.provider()
                .list(LabelSelector.managed().and(Labels.WORKFLOW_ID, workflowId)))
        .isEmpty();
  }

  @Test
  void anImageThatRunsAsRootIsRefusedWithoutAContainer() {
    ProvisionRequest request = request("root", DockerTestEngine.BASE_IMAGE);

    assertThatThrownBy(() -> DockerTestEngine.provider().provision(request))
        .isInstanceOf(ProviderException.InvalidSpec.class)
        .hasMessageContaining("image " + DockerTestEngine.BASE_IMAGE + " runs as root")
        .hasMessageContaining("FERRY_DOCKER_ALLOW_ROOT=true");
    assertThatThrownBy(() -> DockerTestEngine.client().inspectContainerCmd(request.name()).exec())
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void theSettingsReadThePidsLimitAndTheRootAllowance() {
    DockerSettings set =
        DockerSettings.fromEnv(
            Map.of("FERRY_DOCKER_PIDS_LIMIT", "64", "FERRY_DOCKER_ALLOW_ROOT", "true"));
    assertThat(set.pidsLimit()).isEqualTo(64);
    assertThat(set.allowRoot()).isTrue();
    assertThat(DockerSettings.fromEnv(Map.of()).allowRoot()).isFalse();
    assertThatThrownBy(() -> DockerSettings.fromEnv(Map.of("FERRY_DOCKER_PIDS_LIMIT", "0")))
        .hasMessageContaining("FERRY_DOCKER_PIDS_LIMIT");
    assertThatThrownBy(() -> DockerSettings.fromEnv(Map.of("FERRY_DOCKER_ALLOW_ROOT", "yes")))
        .hasMessageContaining("FERRY_DOCKER_ALLOW_ROOT must be true or false");
  }

  private ProvisionRequest request(String suffix, String image) {
    return new ProvisionRequest(
        "ferry-lockdown-" + suffix + "-" + UUID.randomUUID(),
        "q-test",
        new ComputeSpec("docker", image, 0, 0, null, Map.of("FERRY_TASK_QUEUE", "q-test")),
        Map.of(
            Labels.MANAGED,
            "true",
            Labels.WORKFLOW_ID,
            workflowId,
            Labels.RUN_ID,
            "r",
            "dev.ferry.test",
            "ContainerLockdownTest"),
        Instant.now().plusSeconds(600));
  }

  private static String exec(String containerId, String script) throws InterruptedException {
    var client = DockerTestEngine.client();
    String execId =
        client
            .execCreateCmd(containerId)
            .withCmd("sh", "-c", script)
            .withAttachStdout(true)
            .withAttachStderr(true)
            .exec()
            .getId();
    StringBuilder out = new StringBuilder();
    client
        .execStartCmd(execId)
        .exec(
            new ResultCallback.Adapter<Frame>() {
              @Override
              public void onNext(Frame frame) {
                synchronized (out) {
                  out.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                }
              }
            })
        .awaitCompletion(2, TimeUnit.MINUTES);
    synchronized (out) {
      return out.toString();
    }
  }
}
