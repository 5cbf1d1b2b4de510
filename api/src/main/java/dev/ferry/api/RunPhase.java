package dev.ferry.api;

/** Where a run is in its lifecycle. */
public enum RunPhase {
  /** Waiting for a place under its provider's concurrency limit; no compute exists yet. */
  QUEUED,
  PROVISIONING,
  STARTING,
  RUNNING,
  DEPROVISIONING,
  SUCCEEDED,
  FAILED,
  CANCELLED
}
