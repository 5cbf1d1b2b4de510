package dev.ferry.providers.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.HostConfig;
import dev.ferry.api.ComputeHandle;
import dev.ferry.api.ComputeSpec;
import dev.ferry.api.ComputeState;
import dev.ferry.api.Labels;
import dev.ferry.api.ProvisionRequest;
import dev.ferry.api.TeardownReceipt;
import dev.ferry.providers.ComputeProvider;
import dev.ferry.providers.ComputeProviderContract;
import dev.ferry.providers.LabelSelector;
import dev.ferry.providers.ProviderException;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DockerComputeProviderTest extends ComputeProviderContract {

  /** Marks every container these tests make, so that the last check finds any left behind. */
  private static final String TEST_LABEL = "dev.ferry.test";

  private static final String TEST_LABEL_VALUE = "DockerComputeProviderTest";
  private static final String MISSING_IMAGE = "127.0.0.1:9/ferry/missing:1";

  @BeforeEach
  void requireEngineAndImage() {
    DockerTestEngine.requireTestImage();
  }

  @AfterAll
  static void noTestContainerIsLeft() {
    if (!DockerTestEngine.available()) {
      return;
    }
    List<Container> left =
        DockerTestEngine.client()
            .listContainersCmd()
            .withShowAll(true)
            .withLabelFilter(Map.of(Labels.MANAGED, "true", TEST_LABEL, TEST_LABEL_VALUE))
            .exec();
    left.forEach(
        c -> DockerTestEngine.client().removeContainerCmd(c.getId()).withForce(true).exec());
    assertThat(left).extracting(c -> List.of(c.getNames())).isEmpty();
  }

  @Override
  protected ComputeProvider provider() {
    return DockerTestEngine.provider();
  }

  @Override
  protected ComputeSpec longRunningSpec() {
    return new ComputeSpec(
        null, DockerTestEngine.TEST_IMAGE, 0, 0, null, Map.of("FERRY_TASK_QUEUE", "q-test"));
  }

  @Override
  protected ProvisionRequest request(String suffix, String workflowId) {
    ProvisionRequest request = super.request(suffix, workflowId);
    Map<String, String> labels = new HashMap<>(request.labels());
    labels.put(TEST_LABEL, TEST_LABEL_VALUE);
    return new ProvisionRequest(
        request.name(), request.taskQueue(), request.spec(), labels, request.leaseExpiresAt());
  }

  @Test
  void seesAWorkerThatExitsAtOnceAndKeepsItsExitCodeAndLogs() {
    ProvisionRequest request = request("exits", "wf-exit").withSpec(envPlus("EXIT_NOW", "3"));
    ComputeHandle handle = provision(request);
    Integer engineSaw =
        DockerTestEngine.client()
            .waitContainerCmd(handle.resourceId())
            .exec(new WaitContainerResultCallback())
            .awaitStatusCode(bootTime().toSeconds(), TimeUnit.SECONDS);
    assertThat(engineSaw).as("exit code the engine reports").isEqualTo(3);

    // The first look after the engine has seen the exit must show it: no poll, no boot timeout.
    assertThat(provider().describe(handle)).isEqualTo(new ComputeState.Exited(3));
    TeardownReceipt receipt = provider().deprovision(handle);
    assertThat(receipt.found()).isTrue();
    assertThat(receipt.exitCode()).isEqualTo(3);
    assertThat(receipt.resourceId()).isEqualTo(handle.resourceId());
    assertThat(receipt.logTail()).containsExactly("booted queue=q-test", "exiting with 3");
  }

  @Test
  void passesTheEnvironmentAndLabelsAndStopsGracefully() throws InterruptedException {
    ComputeHandle handle = provision(request("env", "wf-env"));
    assertThat(awaitState(handle, ComputeState.Running.class))
        .isInstanceOf(ComputeState.Running.class);

    InspectContainerResponse container = inspect(handle);
    assertThat(container.getConfig().getEnv()).contains("FERRY_TASK_QUEUE=q-test");
    assertThat(container.getConfig().getLabels())
        .containsEntry(Labels.MANAGED, "true")
        .containsEntry(Labels.WORKFLOW_ID, "wf-env")
        .containsKey(Labels.RUN_ID);
    TeardownReceipt receipt = provider().deprovision(handle);

    assertThat(receipt.logTail()).containsExactly("booted queue=q-test", "bye");
    assertThat(receipt.exitCode()).isZero();
  }

  @Test
  void appliesCpuAndMemoryLimits() {
    ComputeSpec spec = new ComputeSpec("docker", DockerTestEngine.TEST_IMAGE, 0.5, 64, null, env());
    ComputeHandle handle = provision(request("limits", "wf-limits").withSpec(spec));

    HostConfig host = inspect(handle).getHostConfig();

    assertThat(host.getNanoCPUs()).isEqualTo(500_000_000L);
    assertThat(host.getMemory()).isEqualTo(64L * 1024 * 1024);
    assertThat(host.getMemorySwap()).isEqualTo(64L * 1024 * 1024);
    assertThat(host.getNetworkMode()).isEqualTo("host");
    assertThat(host.getInit()).isTrue();
    assertThat(host.getAutoRemove()).isNotEqualTo(Boolean.TRUE);
  }

  @Test
  void concurrentProvisionsOfOneNameMakeOneContainer() throws Exception {
    ProvisionRequest request = request("race", "wf-race");
    List<Callable<ComputeHandle>> provisions =
        Collections.nCopies(4, () -> provider().provision(request));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<ComputeHandle>> handles;
    try {
      handles = pool.invokeAll(provisions);
    } finally {
      pool.shutdown();
    }
    ComputeHandle handle = provision(request);

    for (Future<ComputeHandle> each : handles) {
      assertThat(each.get()).isEqualTo(handle);
    }
    assertThat(provider().list(LabelSelector.managed().and(Labels.WORKFLOW_ID, "wf-race")))
        .containsExactly(handle);
    assertThat(awaitState(handle, ComputeState.Running.class))
        .isInstanceOf(ComputeState.Running.class);
  }

  @Test
  void translatesWhatTheEngineRejects() {
    ComputeSpec spec = longRunningSpec().withImage("Ferry/Not A Reference").withProvider("docker");
    ProvisionRequest request = request("badref", "wf-badref").withSpec(spec);

    assertThatThrownBy(() -> provision(request))
        .isInstanceOf(ProviderException.InvalidSpec.class)
        .hasMessageContaining("invalid reference format");
    assertThat(provider().describe(request.handle())).isEqualTo(new ComputeState.Gone());
  }

  @Test
  void removesAContainerThatFailsToStart() throws Exception {
    // Joining the network of a container that does not run passes create and fails start.
    ProvisionRequest owner = request("netowner", "wf-start");
    DockerTestEngine.client()
        .createContainerCmd(DockerTestEngine.TEST_IMAGE)
        .withName(owner.name())
        .withLabels(owner.labels())
        .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none"))
        .exec();
    Map<String, String> env = DockerTestEngine.env();
    env.put(DockerSettings.NETWORK, "container:" + owner.name());
    ProvisionRequest request = request("nostart", "wf-start");

    try (var joining = (DockerComputeProvider) new DockerProviderFactory().create(env)) {
      assertThatThrownBy(() -> joining.provision(request))
          .isInstanceOf(ProviderException.class)
          .hasMessageContaining("starting container " + request.name());
    } finally {
      provider().deprovision(owner.handle());
    }
    assertThat(provider().describe(request.handle())).isEqualTo(new ComputeState.Gone());
  }

  @Test
  void refusesANetworkTheEngineDoesNotHave() {
    Map<String, String> env = DockerTestEngine.env();
    env.put(DockerSettings.NETWORK, "ferry-no-such-network");

    assertThatThrownBy(() -> new DockerProviderFactory().create(env))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("FERRY_DOCKER_NETWORK=ferry-no-such-network");
  }

  @Test
  void anImageWhoseRegistryIsUnreachableIsRetryableAndLeavesNothingBehind() {
    ProvisionRequest request =
        request("missing", "wf-missing")
            .withSpec(longRunningSpec().withImage(MISSING_IMAGE).withProvider("docker"));

    assertThatThrownBy(() -> provision(request))
        .isInstanceOf(ProviderException.Unavailable.class)
        .hasMessageContaining("connection refused")
        .hasMessageContaining("image " + MISSING_IMAGE + " is not on this engine")
        .hasMessageContaining("could not be pulled");
    assertThatThrownBy(() -> DockerTestEngine.client().inspectContainerCmd(request.name()).exec())
        .isInstanceOf(NotFoundException.class);
    assertThat(provider().describe(request.handle())).isEqualTo(new ComputeState.Gone());
  }

  @Test
  void rejectsLessMemoryThanDockerNeeds() {
    ComputeSpec spec = new ComputeSpec("docker", DockerTestEngine.TEST_IMAGE, 0, 3, null, env());

    assertThatThrownBy(() -> provider().validate(spec))
        .isInstanceOf(ProviderException.InvalidSpec.class)
        .hasMessageContaining("memoryMb")
        .hasMessageContaining("was 3");
    assertThatThrownBy(() -> provision(request("tiny", "wf-tiny").withSpec(spec)))
        .isInstanceOf(ProviderException.InvalidSpec.class);
  }

  @Test
  void rejectsMoreCpusThanTheEngineHasOrFewerThanDockerCanGive() {
    int cpus = DockerTestEngine.client().infoCmd().exec().getNCPU();
    ComputeSpec spec =
        new ComputeSpec("docker", DockerTestEngine.TEST_IMAGE, cpus + 1, 0, null, env());

    assertThatThrownBy(() -> provider().validate(spec))
        .isInstanceOf(ProviderException.InvalidSpec.class)
        .hasMessageContaining("compute.cpus")
        .hasMessageContaining("only " + cpus + " CPUs");
    ComputeSpec tooFew =
        new ComputeSpec("docker", DockerTestEngine.TEST_IMAGE, 0.001, 0, null, env());
    assertThatThrownBy(() -> provider().validate(tooFew))
        .isInstanceOf(ProviderException.InvalidSpec.class)
        .hasMessageContaining("at least 0.01");
  }

  @Test
  void rejectsASpecWithoutAnImage() {
    assertThatThrownBy(() -> provider().validate(ComputeSpec.defaults().withProvider("docker")))
        .isInstanceOf(ProviderException.InvalidSpec.class)
        .hasMessageContaining("FERRY_IMAGE");
  }

  @Test
  void aRetriedProvisionStartsTheContainerACrashLeftCreated() throws InterruptedException {
    ProvisionRequest request = request("crashed", "wf-crashed");
    String id =
        DockerTestEngine.client()
            .createContainerCmd(DockerTestEngine.TEST_IMAGE)
            .withName(request.name())
            .withLabels(request.labels())
            .withHostConfig(HostConfig.newHostConfig().withNetworkMode("host"))
            .exec()
            .getId();
    assertThat(provider().describe(request.handle()))
        .isEqualTo(new ComputeState.Pending("created"));

    ComputeHandle handle = provision(request);

    assertThat(handle.resourceId()).isEqualTo(id);
    assertThat(awaitState(handle, ComputeState.Running.class))
        .isInstanceOf(ComputeState.Running.class);
  }

  @Test
  void aRestartedProviderFindsAndRemovesTheContainersOfAnother() throws Exception {
    ComputeHandle handle = provision(request("restart", "wf-restart"));
    awaitState(handle, ComputeState.Running.class);

    try (var restarted =
        (DockerComputeProvider) new DockerProviderFactory().create(DockerTestEngine.env())) {
      assertThat(restarted.list(LabelSelector.managed().and(Labels.WORKFLOW_ID, "wf-restart")))
          .containsExactly(handle);
      assertThat(restarted.describe(ComputeHandle.named("docker", handle.name())))
          .isInstanceOf(ComputeState.Running.class);

      TeardownReceipt receipt = restarted.deprovision(ComputeHandle.named("docker", handle.name()));

      assertThat(receipt.found()).isTrue();
      assertThat(receipt.resourceId()).isEqualTo(handle.resourceId());
      assertThat(receipt.logTail()).contains("bye");
    }
    assertThat(provider().describe(handle)).isEqualTo(new ComputeState.Gone());
  }

  private InspectContainerResponse inspect(ComputeHandle handle) {
    return DockerTestEngine.client().inspectContainerCmd(handle.name()).exec();
  }

  private Map<String, String> env() {
    return longRunningSpec().env();
  }

  private ComputeSpec envPlus(String key, String value) {
    Map<String, String> env = new HashMap<>(env());
    env.put(key, value);
    return longRunningSpec().withEnv(env).withProvider("docker");
  }
}
