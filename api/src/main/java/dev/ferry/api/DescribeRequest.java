package dev.ferry.api;

/**
 * Which compute to look at, and which run's pending workload to read progress from.
 *
 * @param compute the compute
 * @param workflowId the run's workflow id
 * @param runId the run's run id
 */
public record DescribeRequest(ComputeHandle compute, String workflowId, String runId) {}
