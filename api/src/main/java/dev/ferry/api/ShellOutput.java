package dev.ferry.api;

import java.util.List;

/**
 * Output of the {@code shell} workload.
 *
 * @param exitCode the command's exit code (0)
 * @param tail the last lines of its output
 */
public record ShellOutput(int exitCode, List<String> tail) {}
