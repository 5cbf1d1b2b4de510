package dev.ferry.providers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.api.ComputeHandle;
import dev.ferry.api.ComputeSpec;
import dev.ferry.api.ComputeState;
import dev.ferry.api.Labels;
import dev.ferry.api.ProvisionRequest;
import dev.ferry.api.TeardownReceipt;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every provider must do, written once: each provider's test extends this with a provider and
 * a spec that runs a small, long-lived command on it.
 */
public abstract class ComputeProviderContract {

  private final List<ComputeHandle> made = new ArrayList<>();
  private final String run = "contract-" + UUID.randomUUID().toString().substring(0, 8);

  /** The provider under test. */
  protected abstract ComputeProvider provider();

  /** A spec whose worker prints {@code booted} and then stays up for a minute or more. */
  protected abstract ComputeSpec longRunningSpec();

  /**
   * Whether the provider can read its workers' output back for the receipt; a platform whose API
   * offers no output (droplets) says so in the receipt instead.
   */
  protected boolean readsWorkerOutput() {
    return true;
  }

  /** How long the provider may take to show a new resource as running. */
  protected Duration bootTime() {
    return Duration.ofSeconds(30);
  }

  @AfterEach
  void removeWhatTheTestMade() {
    made.forEach(provider()::deprovision);
    assertThat(provider().list(LabelSelector.managed().and(Labels.RUN_ID, run))).isEmpty();
  }

  @Test
  void provisionIsIdempotent() {
    ProvisionRequest request = request("idem", "wf-1");
    ComputeHandle first = provision(request);
    ComputeHandle second = provision(request);

    assertThat(second.name()).isEqualTo(first.name());
    assertThat(second.resourceId()).isEqualTo(first.resourceId());
    assertThat(provider().list(LabelSelector.managed().and(Labels.RUN_ID, run))).hasSize(1);
  }

  @Test
  void describeFollowsTheLifecycle() throws InterruptedException {
    ComputeHandle handle = provision(request("life", "wf-1"));

    assertThat(awaitState(handle, ComputeState.Running.class))
        .isInstanceOf(ComputeState.Running.class);
    TeardownReceipt receipt = provider().deprovision(handle);

    assertThat(receipt.found()).isTrue();
    if (readsWorkerOutput()) {
      assertThat(receipt.logTail()).anySatisfy(line -> assertThat(line).contains("booted"));
    }
    assertThat(provider().describe(handle)).isInstanceOf(ComputeState.Gone.class);
  }

  @Test
  void deprovisionTwiceIsFine() {
    ComputeHandle handle = provision(request("twice", "wf-1"));

    assertThat(provider().deprovision(handle).found()).isTrue();
    assertThat(provider().deprovision(handle).found()).isFalse();
  }

  @Test
  void deprovisionOfUnknownHandleIsSuccess() {
    TeardownReceipt receipt =
        provider().deprovision(ComputeHandle.named(provider().id(), "ferry-neverseen-a1"));

    assertThat(receipt.found()).isFalse();
  }

  @Test
  void listFindsExactlyTheLabelledResources() {
    ComputeHandle one = provision(request("one", "wf-1"));
    ComputeHandle two = provision(request("two", "wf-2"));

    LabelSelector thisRun = LabelSelector.managed().and(Labels.RUN_ID, run);
    assertThat(provider().list(thisRun))
        .extracting(ComputeHandle::name)
        .containsExactlyInAnyOrder(one.name(), two.name());
    assertThat(provider().list(thisRun.and(Labels.WORKFLOW_ID, "wf-2")))
        .extracting(ComputeHandle::name)
        .containsExactly(two.name());
  }

  @Test
  void listGivesEachResourceTheLabelsItWasProvisionedWith() {
    ProvisionRequest request = request("labels", "wf/3:x");
    ComputeHandle handle = provision(request);

    assertThat(provider().listLabelled(LabelSelector.managed().and(Labels.RUN_ID, run)))
        .singleElement()
        .satisfies(
            resource -> {
              assertThat(resource.handle().name()).isEqualTo(handle.name());
              assertThat(resource.labels()).containsAllEntriesOf(request.labels());
            });
  }

  /** Polls until the provider reports a state of the given type, or the boot time runs out. */
  protected ComputeState awaitState(ComputeHandle handle, Class<? extends ComputeState> type)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(bootTime());
    ComputeState state = provider().describe(handle);
    while (!type.isInstance(state) && Instant.now().isBefore(deadline)) {
      Thread.sleep(200);
      state = provider().describe(handle);
    }
    return state;
  }

  protected ComputeHandle provision(ProvisionRequest request) {
    ComputeHandle handle = provider().provision(request);
    made.add(handle);
    return handle;
  }

  protected ProvisionRequest request(String suffix, String workflowId) {
    String name = ("ferry-" + run.substring(9) + "-" + suffix).toLowerCase();
    Map<String, String> labels =
        Map.of(
            Labels.MANAGED,
            "true",
            Labels.WORKFLOW_ID,
            workflowId,
            Labels.RUN_ID,
            run,
            Labels.ATTEMPT,
            "1");
    Instant lease =
        Instant.now().plusSeconds(600).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    Map<String, String> withLease = new java.util.HashMap<>(labels);
    withLease.put(Labels.LEASE_EXPIRES, lease.toString());
    ComputeSpec spec = longRunningSpec().withProvider(provider().id());
    return new ProvisionRequest(name, "q-" + name, spec, withLease, lease);
  }
}
