package dev.ferry.api;

import java.util.Locale;

/** The states of a GitHub commit status. */
public enum CommitState {
  PENDING,
  SUCCESS,
  FAILURE,
  ERROR;

  /** The name GitHub's API uses. */
  public String apiName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
