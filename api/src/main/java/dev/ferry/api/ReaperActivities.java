package dev.ferry.api;

import io.temporal.activity.ActivityInterface;

/** The reaper's look at the providers; the removals go through {@link ComputeActivities}. */
@ActivityInterface
public interface ReaperActivities {

  /**
   * Lists the resources of this Temporal namespace on every configured provider and judges each by
   * its labels: its run (closed or unknown → remove) and its lease (expired → remove). A provider
   * that cannot be listed is reported, never fails the survey.
   */
  ReaperSurvey survey();
}
