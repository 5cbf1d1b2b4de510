package dev.ferry.providers.docker;

import com.github.dockerjava.api.command.InspectContainerResponse.ContainerState;
import dev.ferry.api.ComputeState;

/**
 * Maps a container's Docker state to a {@link ComputeState}: the one place that knows Docker's
 * state names ({@code created, restarting, running, removing, paused, exited, dead}).
 */
final class DockerStates {

  /** What Docker reports as StartedAt for a container that never started. */
  private static final String NEVER = "0001-01-01T00:00:00Z";

  private DockerStates() {}

  static ComputeState toComputeState(ContainerState state) {
    String status = state.getStatus() == null ? "" : state.getStatus();
    String error = error(state);
    return switch (status) {
      // A failed start (entrypoint not found) leaves the container "created" with an error.
      case "created" -> error.isEmpty() ? new ComputeState.Pending("created") : failed(error);
      case "running" -> new ComputeState.Running();
      case "restarting" -> new ComputeState.Pending("restarting");
      case "paused" -> new ComputeState.Pending("paused");
      // Docker says "removing" only once the process has ended, and the container can still be
      // inspected, listed and torn down (with its exit code): so it is ended, not yet gone.
      case "exited", "removing" -> ended(state, error);
      case "dead" -> failed(error.isEmpty() ? "dead" : "dead: " + error);
      // Docker's own set, not ours: a state a newer engine adds is shown, not guessed at.
      default -> new ComputeState.Pending("unknown Docker state '" + status + "'");
    };
  }

  /** True for a container that was created and never started, nor failed to start. */
  static boolean awaitsStart(ContainerState state) {
    return "created".equals(state.getStatus()) && error(state).isEmpty();
  }

  /** The container's exit code, when it has run and ended; null otherwise. */
  static Integer exitCode(ContainerState state) {
    String status = state.getStatus() == null ? "" : state.getStatus();
    boolean ended = status.equals("exited") || status.equals("dead") || status.equals("removing");
    return ended && started(state) ? code(state) : null;
  }

  private static ComputeState ended(ContainerState state, String error) {
    if (Boolean.TRUE.equals(state.getOOMKilled())) {
      return failed(
          "out of memory: the container exceeded its memory limit (exit code " + code(state) + ")");
    }
    if (!error.isEmpty()) {
      return failed(error);
    }
    if (!started(state)) {
      return failed("removed before it started");
    }
    Integer code = code(state);
    return code == null ? failed("ended without an exit code") : new ComputeState.Exited(code);
  }

  private static boolean started(ContainerState state) {
    String startedAt = state.getStartedAt();
    return startedAt != null && !startedAt.isEmpty() && !startedAt.equals(NEVER);
  }

  private static Integer code(ContainerState state) {
    Long code = state.getExitCodeLong();
    return code != null ? Integer.valueOf(code.intValue()) : state.getExitCode();
  }

  private static String error(ContainerState state) {
    return state.getError() == null ? "" : state.getError().strip();
  }

  private static ComputeState failed(String reason) {
    return new ComputeState.Failed(reason);
  }
}
