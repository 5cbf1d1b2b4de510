package dev.ferry.providers;

import dev.ferry.api.ComputeHandle;
import dev.ferry.api.ComputeSpec;
import dev.ferry.api.ComputeState;
import dev.ferry.api.ProvisionRequest;
import dev.ferry.api.TeardownReceipt;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * An in-memory provider for workflow tests: it counts live resources, can fail on cue, and "boots"
 * a compute by calling a test-supplied function (which typically starts an in-process worker).
 * Deprovisioning or crashing a resource stops its compute, as powering a machine off would, and
 * {@link #runningComputes()} tells whether anything booted still runs.
 */
public final class FakeComputeProvider implements ComputeProvider {

  /** What runs on one stand-in compute. */
  public interface Compute {

    /** A compute where nothing runs: a machine whose worker never comes up. */
    Compute NOTHING =
        new Compute() {
          @Override
          public void stop() {}

          @Override
          public boolean running() {
            return false;
          }
        };

    /** Stops everything on it, as a power-off would; idempotent, and need not wait for the end. */
    void stop();

    /** Whether anything on it still runs: false only once everything stop ended has ended. */
    boolean running();
  }

  /** What booting a compute does. */
  @FunctionalInterface
  public interface Boot extends Function<ProvisionRequest, Compute> {}

  /** A resource the fake holds. */
  public static final class Resource {
    private final ProvisionRequest request;
    private final Compute compute;
    private volatile ComputeState state = new ComputeState.Running();

    Resource(ProvisionRequest request, Compute compute) {
      this.request = request;
      this.compute = compute;
    }

    public ProvisionRequest request() {
      return request;
    }

    public ComputeState state() {
      return state;
    }
  }

  private final String id;
  private final Map<String, Resource> live = new ConcurrentHashMap<>();
  private final List<String> provisioned = Collections.synchronizedList(new ArrayList<>());
  private final List<Compute> booted = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger deprovisionCalls = new AtomicInteger();
  private final AtomicInteger failingDeprovisions = new AtomicInteger();
  private volatile Boot boot = request -> Compute.NOTHING;
  private volatile boolean requiresImage;
  private volatile Supplier<ProviderException> provisionFailure;
  private volatile boolean createBeforeProvisionFailure;
  private volatile CountDownLatch provisionGate;
  private volatile Supplier<ProviderException> listFailure;
  private final CountDownLatch provisionEntered = new CountDownLatch(1);

  public FakeComputeProvider() {
    this("fake");
  }

  public FakeComputeProvider(String id) {
    this.id = id;
  }

  @Override
  public String id() {
    return id;
  }

  /** Pins nothing: the fake runs no image and asks no registry. */
  @Override
  public String pinImage(String image) {
    return image;
  }

  /** Makes the fake reject specs without an image, as providers that run images do. */
  public FakeComputeProvider requireImage() {
    this.requiresImage = true;
    return this;
  }

  @Override
  public void validate(ComputeSpec spec) {
    if (requiresImage && spec.image() == null) {
      throw new ProviderException.InvalidSpec(
          "provider '" + id + "' runs an image: set FERRY_IMAGE or the run's compute.image");
    }
  }

  /** Sets what provisioning starts. */
  public FakeComputeProvider bootWith(Boot newBoot) {
    this.boot = newBoot;
    return this;
  }

  /** Every provision fails with this; with {@code afterCreating} the resource is made first. */
  public FakeComputeProvider failProvisions(
      Supplier<ProviderException> failure, boolean afterCreating) {
    this.provisionFailure = failure;
    this.createBeforeProvisionFailure = afterCreating;
    return this;
  }

  /** The next {@code times} deprovision calls fail as if the platform were down. */
  public FakeComputeProvider failDeprovisions(int times) {
    failingDeprovisions.set(times);
    return this;
  }

  /** Every list fails with this, as a platform whose API cannot be reached; null lists again. */
  public FakeComputeProvider failLists(Supplier<ProviderException> failure) {
    this.listFailure = failure;
    return this;
  }

  /** Provisioning blocks until {@link #releaseProvisioning()}; {@link #awaitProvisioning} waits. */
  public FakeComputeProvider holdProvisioning() {
    provisionGate = new CountDownLatch(1);
    return this;
  }

  public void releaseProvisioning() {
    provisionGate.countDown();
  }

  public boolean awaitProvisioning(long seconds) throws InterruptedException {
    return provisionEntered.await(seconds, TimeUnit.SECONDS);
  }

  /** Kills a live resource's compute as a crash would: it stays listed, in state Exited. */
  public void crash(String name, int exitCode) {
    Resource resource = live.get(name);
    resource.compute.stop();
    resource.state = new ComputeState.Exited(exitCode);
  }

  /** Booted computes on which something still runs, torn down or not. */
  public long runningComputes() {
    synchronized (booted) {
      return booted.stream().filter(Compute::running).count();
    }
  }

  /**
   * Waits until nothing booted runs any more.
   *
   * @return whether that happened within the timeout
   */
  public boolean awaitComputesStopped(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (runningComputes() > 0) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  /** Stops every compute ever booted, torn down or not: a test's last clean-up. */
  public void stopAll() {
    synchronized (booted) {
      booted.forEach(Compute::stop);
    }
  }

  public int liveCount() {
    return live.size();
  }

  public Map<String, Resource> live() {
    return Map.copyOf(live);
  }

  /** Names in the order they were first provisioned. */
  public List<String> provisioned() {
    return List.copyOf(provisioned);
  }

  public int deprovisionCalls() {
    return deprovisionCalls.get();
  }

  @Override
  public ComputeHandle provision(ProvisionRequest request) {
    provisionEntered.countDown();
    CountDownLatch gate = provisionGate;
    if (gate != null) {
      try {
        gate.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Supplier<ProviderException> failure = provisionFailure;
    if (failure != null && !createBeforeProvisionFailure) {
      throw failure.get();
    }
    synchronized (this) {
      if (!live.containsKey(request.name())) {
        provisioned.add(request.name());
        Compute compute = boot.apply(request);
        booted.add(compute);
        live.put(request.name(), new Resource(request, compute));
      }
    }
    if (failure != null) {
      throw failure.get();
    }
    return new ComputeHandle(id, request.name(), "fake-" + request.name());
  }

  @Override
  public ComputeState describe(ComputeHandle handle) {
    Resource resource = live.get(handle.name());
    return resource == null ? new ComputeState.Gone() : resource.state;
  }

  @Override
  public TeardownReceipt deprovision(ComputeHandle handle) {
    deprovisionCalls.incrementAndGet();
    if (failingDeprovisions.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new ProviderException.Unavailable("fake platform is down", null);
    }
    Resource resource = live.remove(handle.name());
    if (resource == null) {
      return TeardownReceipt.alreadyGone(handle, Instant.now());
    }
    resource.compute.stop();
    Integer exitCode =
        resource.state instanceof ComputeState.Exited exited ? exited.exitCode() : null;
    return new TeardownReceipt(
        id,
        handle.name(),
        "fake-" + handle.name(),
        true,
        exitCode,
        List.of("fake log of " + handle.name()),
        Instant.now());
  }

  @Override
  public List<LabelledResource> listLabelled(LabelSelector selector) {
    Supplier<ProviderException> failure = listFailure;
    if (failure != null) {
      throw failure.get();
    }
    return live.values().stream()
        .filter(r -> selector.matches(r.request().labels()))
        .map(
            r ->
                new LabelledResource(
                    new ComputeHandle(id, r.request().name(), "fake-" + r.request().name()),
                    r.request().labels()))
        .toList();
  }
}
