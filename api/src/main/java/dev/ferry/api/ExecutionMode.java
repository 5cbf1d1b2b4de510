package dev.ferry.api;

/** How the compute reports back: as a Temporal worker, or through signed HTTP callbacks. */
public enum ExecutionMode {
  WORKER,
  CALLBACK
}
