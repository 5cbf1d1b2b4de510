package dev.ferry.api;

import java.time.Instant;
import java.util.List;

/**
 * Proof that a resource is gone, with what it left behind.
 *
 * @param provider the provider
 * @param name the resource name
 * @param resourceId the provider's id, when it was found
 * @param found false when the resource was already gone
 * @param exitCode the worker's exit code, when the provider knows it
 * @param logTail the last lines of the worker's output, oldest first
 * @param removedAt when the provider confirmed removal
 * @param detail what else the provider knows of the end (final status, reason, where the full log
 *     is); null when it has nothing to add
 */
public record TeardownReceipt(
    String provider,
    String name,
    String resourceId,
    boolean found,
    Integer exitCode,
    List<String> logTail,
    Instant removedAt,
    String detail) {

  public TeardownReceipt {
    logTail = logTail == null ? List.of() : List.copyOf(logTail);
  }

  /** A receipt without further detail. */
  public TeardownReceipt(
      String provider,
      String name,
      String resourceId,
      boolean found,
      Integer exitCode,
      List<String> logTail,
      Instant removedAt) {
    this(provider, name, resourceId, found, exitCode, logTail, removedAt, null);
  }

  public static TeardownReceipt alreadyGone(ComputeHandle handle, Instant at) {
    return new TeardownReceipt(
        handle.provider(), handle.name(), handle.resourceId(), false, null, List.of(), at);
  }
}
