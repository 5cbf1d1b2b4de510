package dev.ferry.starter;

import java.io.PrintWriter;
import java.time.Duration;

/**
 * What every subcommand shares.
 *
 * @param client the Temporal client, connected on first use
 * @param out machine-readable output and results
 * @param err progress and errors
 * @param pollInterval how often a waiting command asks for the run's status
 */
record CliContext(LazyClient client, PrintWriter out, PrintWriter err, Duration pollInterval) {}
