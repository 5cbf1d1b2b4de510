package dev.ferry.orchestrator;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;

/**
 * The pid file of the dev server a {@code ferry server} started ({@code temporal.pid} in the data
 * directory): enough to find it again after that server was killed, and to tell it from an
 * unrelated process that got the same pid since.
 *
 * @param pid the dev server's process id
 * @param startedAt when that process started, as the OS reports it
 * @param port its gRPC port
 * @param uiPort its Web UI port
 */
record DevServerRecord(long pid, Instant startedAt, int port, int uiPort) {

  static final String FILE = "temporal.pid";

  static DevServerRecord of(ProcessHandle process, DevServerSettings settings) {
    Instant started = process.info().startInstant().orElse(Instant.now());
    return new DevServerRecord(process.pid(), started, settings.port(), settings.uiPort());
  }

  /** The record in {@code dataDir}; empty when there is none or it cannot be read. */
  static Optional<DevServerRecord> read(Path dataDir) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(dataDir.resolve(FILE), StandardCharsets.UTF_8)) {
      properties.load(reader);
      return Optional.of(
          new DevServerRecord(
              Long.parseLong(properties.getProperty("pid")),
              Instant.parse(properties.getProperty("startedAt")),
              Integer.parseInt(properties.getProperty("port")),
              Integer.parseInt(properties.getProperty("uiPort"))));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | RuntimeException unreadable) {
      // A torn or hand-edited file: treat as no record; the port check still guards the start.
      return Optional.empty();
    }
  }

  void write(Path dataDir) {
    Properties properties = new Properties();
    properties.setProperty("pid", String.valueOf(pid));
    properties.setProperty("startedAt", startedAt.toString());
    properties.setProperty("port", String.valueOf(port));
    properties.setProperty("uiPort", String.valueOf(uiPort));
    Path tmp = dataDir.resolve(FILE + ".tmp");
    try {
      try (Writer writer = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        properties.store(writer, "the Temporal dev server ferry server started");
      }
      Files.move(tmp, dataDir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dataDir.resolve(FILE), e);
    }
  }

  static void delete(Path dataDir) {
    try {
      Files.deleteIfExists(dataDir.resolve(FILE));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dataDir.resolve(FILE), e);
    }
  }

  /**
   * The recorded process, if it still runs and is the one recorded: a pid reused by another process
   * has another start time.
   */
  Optional<ProcessHandle> liveProcess() {
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(
            p ->
                p.info()
                    .startInstant()
                    .map(start -> Duration.between(start, startedAt).abs().toSeconds() < 2)
                    .orElse(false));
  }
}
