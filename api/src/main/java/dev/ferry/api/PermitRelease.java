package dev.ferry.api;

/**
 * A run giving its place back: it left the queue, or its compute is torn down.
 *
 * @param provider the provider id
 * @param workflowId the run's workflow id
 */
public record PermitRelease(String provider, String workflowId) {}
