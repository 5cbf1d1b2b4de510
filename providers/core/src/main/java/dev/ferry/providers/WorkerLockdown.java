package dev.ferry.providers;

import java.util.List;
import java.util.Map;

/**
 * What a worker's container may not do, as every provider that runs a container applies it where
 * its platform lets it: no capabilities, no gaining privileges, a bound on processes, a read-only
 * root with a scratch {@code /tmp}, and a user other than root. The worker holds Temporal
 * credentials and runs the caller's commands.
 *
 * @param user the user the container runs as ({@code FERRY_WORKER_USER}, default the worker image's
 *     own {@value #DEFAULT_USER}), for providers that cannot read the image's {@code USER} before
 *     they start it; never root
 * @param pidsLimit the most processes (threads included) the container may hold
 */
public record WorkerLockdown(String user, long pidsLimit) {

  /** The variable that names the user on providers that set it explicitly. */
  public static final String USER = "FERRY_WORKER_USER";

  /** The {@code USER} of {@code Dockerfile.external}: numeric, so no passwd entry is needed. */
  public static final String DEFAULT_USER = "10001:10001";

  /** The worker's JVM runs some 60 threads; a workload's build tool a few hundred more. */
  public static final long DEFAULT_PIDS_LIMIT = 512;

  /**
   * The only writable place of a container: the JVM's temp files, the PR check's clone, the
   * callback script's mktemp.
   */
  public static final String SCRATCH = "/tmp";

  /** Executable: native libraries are unpacked there and loaded. */
  public static final String SCRATCH_OPTIONS = "rw,exec,nosuid,nodev,mode=1777";

  /** The Docker security option that keeps setuid binaries from raising privileges. */
  public static final String NO_NEW_PRIVILEGES = "no-new-privileges";

  /** The defaults: the worker image's user and {@value #DEFAULT_PIDS_LIMIT} processes. */
  public static final WorkerLockdown DEFAULT = new WorkerLockdown(DEFAULT_USER, DEFAULT_PIDS_LIMIT);

  public WorkerLockdown {
    if (runsAsRoot(user)) {
      throw new IllegalArgumentException(
          USER
              + " must name a user other than root (user[:group], e.g. "
              + DEFAULT_USER
              + "), was '"
              + (user == null ? "" : user)
              + "'");
    }
    if (!user.strip().matches("[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)?")) {
      throw new IllegalArgumentException(
          USER
              + " must be user[:group] (names or ids, e.g. "
              + DEFAULT_USER
              + "), was '"
              + user
              + "'");
    }
    user = user.strip();
    if (pidsLimit < 1) {
      throw new IllegalArgumentException("the pids limit must be positive, was " + pidsLimit);
    }
  }

  /**
   * Reads {@code FERRY_WORKER_USER}.
   *
   * @throws IllegalArgumentException naming the variable when it is root or malformed
   */
  public static WorkerLockdown fromEnv(Map<String, String> env) {
    String user = env.getOrDefault(USER, "");
    return new WorkerLockdown(user.isBlank() ? DEFAULT_USER : user, DEFAULT_PIDS_LIMIT);
  }

  /** Whether a Dockerfile {@code USER} value ({@code user[:group]}) means root. */
  public static boolean runsAsRoot(String user) {
    if (user == null || user.isBlank()) {
      return true;
    }
    String name = user.strip().split(":", 2)[0];
    return name.isEmpty() || name.equals("root") || name.matches("0+");
  }

  /** The {@code /tmp} tmpfs as {@code docker run --tmpfs} takes it. */
  public static String scratchTmpfs() {
    return SCRATCH + ":" + SCRATCH_OPTIONS;
  }

  /** The lockdown as {@code docker run} arguments, for a container started by a script. */
  public List<String> dockerRunArguments() {
    return List.of(
        "--cap-drop",
        "ALL",
        "--security-opt",
        NO_NEW_PRIVILEGES,
        "--pids-limit",
        String.valueOf(pidsLimit),
        "--read-only",
        "--tmpfs",
        scratchTmpfs(),
        "--user",
        user);
  }
}
