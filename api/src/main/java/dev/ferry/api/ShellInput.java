package dev.ferry.api;

/**
 * Input of the {@code shell} workload.
 *
 * @param command a command line for {@code sh -c}
 */
public record ShellInput(String command) {

  public ShellInput {
    if (command == null || command.isBlank()) {
      throw new IllegalArgumentException("command must be a non-empty string");
    }
  }
}
