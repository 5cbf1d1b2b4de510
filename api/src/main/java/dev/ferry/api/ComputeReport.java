package dev.ferry.api;

/**
 * One look at a run's compute and at its pending workload activity.
 *
 * @param state what the provider says of the compute
 * @param workloadStarted whether a worker has picked the workload task up
 * @param lastHeartbeat what the workload last reported; null before its first heartbeat
 */
public record ComputeReport(
    ComputeState state, boolean workloadStarted, WorkloadHeartbeat lastHeartbeat) {}
