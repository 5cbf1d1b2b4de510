package dev.ferry.api;

/** Where a run is in its lifecycle. */
public enum RunPhase {
  PROVISIONING,
  STARTING,
  RUNNING,
  DEPROVISIONING,
  SUCCEEDED,
  FAILED,
  CANCELLED
}
