package dev.ferry.providers;

import dev.ferry.api.ComputeHandle;
import dev.ferry.api.ComputeSpec;
import dev.ferry.api.ComputeState;
import dev.ferry.api.ProvisionRequest;
import dev.ferry.api.TeardownReceipt;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wraps a real provider and makes its next calls fail the two ways a platform's API does: refused
 * before anything happened (a 5xx), or done but with the answer lost (a timeout on the way back).
 * Everything else goes to the real provider untouched.
 */
public final class FaultInjectingProvider implements ComputeProvider {

  /** Where a failure happens relative to the real call. */
  public enum Fault {
    /** The platform refused: nothing was done (a 500, 502, 503). */
    REFUSED,
    /** The platform did it, but the answer never arrived (a read timeout). */
    ANSWER_LOST
  }

  private final ComputeProvider delegate;
  private final AtomicInteger provisionFailuresLeft = new AtomicInteger();
  private final AtomicInteger deprovisionFailuresLeft = new AtomicInteger();
  private final AtomicInteger provisionCalls = new AtomicInteger();
  private final AtomicInteger deprovisionCalls = new AtomicInteger();
  private volatile Fault provisionFault = Fault.REFUSED;
  private volatile Fault deprovisionFault = Fault.REFUSED;

  public FaultInjectingProvider(ComputeProvider delegate) {
    this.delegate = delegate;
  }

  /** The next {@code times} provisions fail this way. */
  public FaultInjectingProvider failProvisions(int times, Fault fault) {
    provisionFault = fault;
    provisionFailuresLeft.set(times);
    return this;
  }

  /** The next {@code times} deprovisions fail this way. */
  public FaultInjectingProvider failDeprovisions(int times, Fault fault) {
    deprovisionFault = fault;
    deprovisionFailuresLeft.set(times);
    return this;
  }

  public int provisionCalls() {
    return provisionCalls.get();
  }

  public int deprovisionCalls() {
    return deprovisionCalls.get();
  }

  @Override
  public String id() {
    return delegate.id();
  }

  @Override
  public void validate(ComputeSpec spec) {
    delegate.validate(spec);
  }

  @Override
  public String pinImage(String image) {
    return delegate.pinImage(image);
  }

  @Override
  public ComputeHandle provision(ProvisionRequest request) {
    provisionCalls.incrementAndGet();
    return faulty(
        provisionFailuresLeft, provisionFault, "provision", () -> delegate.provision(request));
  }

  @Override
  public ComputeState describe(ComputeHandle handle) {
    return delegate.describe(handle);
  }

  @Override
  public TeardownReceipt deprovision(ComputeHandle handle) {
    deprovisionCalls.incrementAndGet();
    return faulty(
        deprovisionFailuresLeft,
        deprovisionFault,
        "deprovision",
        () -> delegate.deprovision(handle));
  }

  @Override
  public List<LabelledResource> listLabelled(LabelSelector selector) {
    return delegate.listLabelled(selector);
  }

  private static <T> T faulty(
      AtomicInteger failuresLeft, Fault fault, String call, java.util.function.Supplier<T> real) {
    if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) <= 0) {
      return real.get();
    }
    if (fault == Fault.ANSWER_LOST) {
      real.get();
      throw new ProviderException.Unavailable(
          "injected: " + call + " timed out waiting for the answer", null);
    }
    throw new ProviderException.Unavailable(
        "injected: " + call + " answered 503 Service Unavailable", null);
  }
}
