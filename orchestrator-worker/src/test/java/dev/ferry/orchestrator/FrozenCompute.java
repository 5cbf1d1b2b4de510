package dev.ferry.orchestrator;

import java.util.List;

/**
 * A compute a test has frozen: its workload can neither advance nor finish, whatever the machine's
 * speed, until the test thaws it or kills it. The gate that lets a test act on a run "mid-way"
 * without betting on how long the workload takes.
 */
interface FrozenCompute {

  /** Lets the workload go on where it stopped. */
  void thaw();

  /** Kills the compute as a crash would (SIGKILL, exit code 137), frozen or not. */
  void kill();

  /** A local-provider worker process, stopped with SIGSTOP. */
  static FrozenCompute process(long pid) {
    signal("-STOP", pid);
    return new FrozenCompute() {
      @Override
      public void thaw() {
        signal("-CONT", pid);
      }

      @Override
      public void kill() {
        signal("-KILL", pid);
      }
    };
  }

  /** A docker-provider container, paused (its cgroup frozen). */
  static FrozenCompute container(String id) {
    docker("pause", id);
    return new FrozenCompute() {
      @Override
      public void thaw() {
        docker("unpause", id);
      }

      @Override
      public void kill() {
        docker("kill", id);
      }
    };
  }

  private static void signal(String signal, long pid) {
    DockerImages.Result result = DockerImages.run(List.of("kill", signal, String.valueOf(pid)));
    if (result.exitCode() != 0) {
      throw new IllegalStateException("kill " + signal + " " + pid + ": " + result.stdout());
    }
  }

  private static void docker(String command, String id) {
    DockerImages.Result result = DockerImages.run(List.of("docker", command, id));
    if (result.exitCode() != 0) {
      throw new IllegalStateException("docker " + command + " " + id + ": " + result.stdout());
    }
  }
}
