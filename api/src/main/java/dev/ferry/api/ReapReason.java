package dev.ferry.api;

/** Why the reaper removes a resource. */
public enum ReapReason {
  /** Its run has closed (completed, failed, cancelled, terminated, timed out) or is unknown. */
  RUN_CLOSED,
  /** Its lease has expired, whatever its run is doing. */
  LEASE_EXPIRED
}
