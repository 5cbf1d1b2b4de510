package dev.ferry.api;

import io.temporal.activity.ActivityInterface;

/**
 * Orchestrator-side activities that drive a compute provider; secrets are added here, at execution
 * time, so they never enter workflow history.
 */
@ActivityInterface
public interface ComputeActivities {

  /**
   * Fills defaults from the orchestrator's configuration, rejects a spec no provider takes, and
   * pins the image to the exact one every attempt of the run will use.
   */
  ComputeSpec resolve(ComputeSpec spec);

  /** The concurrency limit this orchestrator has for the spec's provider (0 for none). */
  ConcurrencyLimit concurrencyLimit(ComputeSpec spec);

  /** Get-or-create by {@code request.name()}: a retried call never makes a second resource. */
  ComputeHandle provision(ProvisionRequest request);

  /** The compute's state and what the workload last reported through its heartbeat. */
  ComputeReport describe(DescribeRequest request);

  /** Idempotent: a resource that is already gone counts as torn down. */
  TeardownReceipt deprovision(ComputeHandle handle);
}
