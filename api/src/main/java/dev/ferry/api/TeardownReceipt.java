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
 */
public record TeardownReceipt(
    String provider,
    String name,
    String resourceId,
    boolean found,
    Integer exitCode,
    List<String> logTail,
    Instant removedAt) {

  public TeardownReceipt {
    logTail = logTail == null ? List.of() : List.copyOf(logTail);
  }

  public static TeardownReceipt alreadyGone(ComputeHandle handle, Instant at) {
    return new TeardownReceipt(
        handle.provider(), handle.name(), handle.resourceId(), false, null, List.of(), at);
  }
}
