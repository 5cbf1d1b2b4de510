package dev.ferry.api;

import io.temporal.workflow.SignalMethod;

/**
 * A workflow that starts {@link RunWorkflow}s as children and hears from them: each child run
 * signals its parent, if it has one, whenever its phase, attempt, compute or progress changes.
 */
public interface RunObserver {

  /** The signal's name, which a child run uses without knowing its parent's type. */
  String RUN_CHANGED = "runChanged";

  @SignalMethod(name = RUN_CHANGED)
  void runChanged(RunUpdate update);
}
