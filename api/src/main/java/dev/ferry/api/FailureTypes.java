package dev.ferry.api;

/** {@code ApplicationFailure} types a run can fail with, for clients to tell failures apart. */
public final class FailureTypes {

  /** The request was rejected before any compute was provisioned. */
  public static final String INVALID_REQUEST = "InvalidRequest";

  /** The compute spec names no known provider, or lacks what its provider needs. */
  public static final String INVALID_COMPUTE_SPEC = "InvalidComputeSpec";

  /** The provider rejected Ferry's credentials. */
  public static final String COMPUTE_AUTH = "ComputeAuth";

  /** The provider is out of quota; retried. */
  public static final String COMPUTE_QUOTA = "ComputeQuota";

  /** The provider is unreachable or failing; retried. */
  public static final String COMPUTE_UNAVAILABLE = "ComputeUnavailable";

  /** The provider asked Ferry to slow down; retried after the delay it gave. */
  public static final String COMPUTE_RATE_LIMITED = "ComputeRateLimited";

  /** The provider could not find something the request named (an image, a region). */
  public static final String COMPUTE_NOT_FOUND = "ComputeNotFound";

  /** The workload failed on its own terms (bad input, failing command). */
  public static final String WORKLOAD_FAILED = "WorkloadFailed";

  /** Every compute attempt was lost before the workload finished. */
  public static final String ATTEMPTS_EXHAUSTED = "ComputeAttemptsExhausted";

  /** The workload ran past the run timeout. */
  public static final String RUN_TIMED_OUT = "RunTimedOut";

  /** Teardown did not succeed in time; the reaper takes over. */
  public static final String TEARDOWN_FAILED = "TeardownFailed";

  /**
   * Ferry's own workflow code threw (a bug): the run failed after its compute was torn down,
   * instead of retrying its workflow task forever.
   */
  public static final String INTERNAL_ERROR = "FerryInternalError";

  private FailureTypes() {}
}
