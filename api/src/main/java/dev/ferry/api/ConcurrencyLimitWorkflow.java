package dev.ferry.api;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One provider's concurrency limit: a semaphore with a first-come, first-served queue, one per
 * provider under a fixed workflow id, shared by every orchestrator replica.
 */
@WorkflowInterface
public interface ConcurrencyLimitWorkflow {

  /** Prefix of the queue's workflow id; the provider id follows. */
  String ID_PREFIX = "ferry-limit-";

  static String workflowId(String provider) {
    return ID_PREFIX + provider;
  }

  /** Runs forever, continuing as new with its state. */
  @WorkflowMethod
  void run(LimitState state);

  /** A run asks for a place; asking again while waiting or holding one changes nothing. */
  @SignalMethod
  void acquire(PermitRequest request);

  /** A run gives its place back, or leaves the queue; idempotent. */
  @SignalMethod
  void release(PermitRelease release);

  @QueryMethod
  LimitState status();
}
