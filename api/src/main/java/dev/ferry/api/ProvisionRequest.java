package dev.ferry.api;

import java.time.Instant;
import java.util.Map;

/**
 * What to provision for one attempt.
 *
 * @param name unique per run attempt and valid for every provider; the get-or-create key
 * @param taskQueue the queue the worker on this compute polls
 * @param spec resolved compute spec
 * @param labels labels to put on the resource (see {@link Labels})
 * @param leaseExpiresAt after this instant the reaper may remove the resource
 * @param timeouts the run's per-attempt limits, for providers that enforce a hard lifetime or judge
 *     a slow boot; null when unknown
 */
public record ProvisionRequest(
    String name,
    String taskQueue,
    ComputeSpec spec,
    Map<String, String> labels,
    Instant leaseExpiresAt,
    RunTimeouts timeouts) {

  public ProvisionRequest {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("name must be set");
    }
    if (taskQueue == null || taskQueue.isBlank()) {
      throw new IllegalArgumentException("taskQueue must be set");
    }
    if (spec == null || spec.provider() == null) {
      throw new IllegalArgumentException("spec must be resolved to a provider");
    }
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  /** A request without the run's timeouts. */
  public ProvisionRequest(
      String name,
      String taskQueue,
      ComputeSpec spec,
      Map<String, String> labels,
      Instant leaseExpiresAt) {
    this(name, taskQueue, spec, labels, leaseExpiresAt, null);
  }

  public ComputeHandle handle() {
    return ComputeHandle.named(spec.provider(), name);
  }

  public ProvisionRequest withSpec(ComputeSpec newSpec) {
    return new ProvisionRequest(name, taskQueue, newSpec, labels, leaseExpiresAt, timeouts);
  }
}
