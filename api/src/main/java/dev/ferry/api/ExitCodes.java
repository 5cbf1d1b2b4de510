package dev.ferry.api;

/** Exit codes every Ferry command shares: the CLI's, the orchestrator's and the launcher's. */
public final class ExitCodes {

  /** The command did what it was asked; a run it waited for succeeded. */
  public static final int OK = 0;

  /** The run failed or was cancelled. */
  public static final int RUN_FAILED = 1;

  /** A usage or configuration error: the message names what is wrong; nothing was started. */
  public static final int USAGE = 2;

  private ExitCodes() {}
}
