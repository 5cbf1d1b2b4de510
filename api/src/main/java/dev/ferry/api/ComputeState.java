package dev.ferry.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** What a provider reports of one resource; a closed set every provider maps its states into. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "state")
@JsonSubTypes({
  @JsonSubTypes.Type(value = ComputeState.Pending.class, name = "pending"),
  @JsonSubTypes.Type(value = ComputeState.Running.class, name = "running"),
  @JsonSubTypes.Type(value = ComputeState.Exited.class, name = "exited"),
  @JsonSubTypes.Type(value = ComputeState.Failed.class, name = "failed"),
  @JsonSubTypes.Type(value = ComputeState.Gone.class, name = "gone")
})
public sealed interface ComputeState {

  /** True when the compute can no longer run anything. */
  @JsonIgnore
  default boolean isTerminal() {
    return switch (this) {
      case Pending p -> false;
      case Running r -> false;
      case Exited e -> true;
      case Failed f -> true;
      case Gone g -> true;
    };
  }

  /** Accepted but not running yet (image pulling, job queued, droplet booting). */
  record Pending(String detail) implements ComputeState {}

  /** Running. */
  record Running() implements ComputeState {}

  /** Ran and stopped with an exit code. */
  record Exited(int exitCode) implements ComputeState {}

  /** Could not run, or died of something other than its own exit (OOM, boot error). */
  record Failed(String reason) implements ComputeState {}

  /** No such resource (never made, or already removed). */
  record Gone() implements ComputeState {}
}
