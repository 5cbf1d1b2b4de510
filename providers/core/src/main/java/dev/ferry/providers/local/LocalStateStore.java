package dev.ferry.providers.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.ferry.providers.ProviderException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** One JSON record and one log file per resource in a state directory. */
final class LocalStateStore {

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private final Path dir;

  LocalStateStore(Path dir) {
    this.dir = dir;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot create state directory " + dir + ": " + e, e);
    }
  }

  Path dir() {
    return dir;
  }

  Path logFile(String name) {
    return dir.resolve(name + ".log");
  }

  Optional<LocalProcessRecord> read(String name) {
    try {
      return Optional.of(JSON.readValue(recordFile(name).toFile(), LocalProcessRecord.class));
    } catch (NoSuchFileException | java.io.FileNotFoundException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new ProviderException.Unavailable("cannot read " + recordFile(name) + ": " + e, e);
    }
  }

  void write(LocalProcessRecord record) {
    Path target = recordFile(record.name());
    Path tmp = dir.resolve(record.name() + ".json.tmp");
    try {
      JSON.writeValue(tmp.toFile(), record);
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new ProviderException.Unavailable("cannot write " + target + ": " + e, e);
    }
  }

  void delete(String name) {
    try {
      Files.deleteIfExists(recordFile(name));
      Files.deleteIfExists(logFile(name));
    } catch (IOException e) {
      throw new ProviderException.Unavailable("cannot delete state of " + name + ": " + e, e);
    }
  }

  List<LocalProcessRecord> all() {
    List<LocalProcessRecord> records = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
        String fileName = file.getFileName().toString();
        read(fileName.substring(0, fileName.length() - ".json".length())).ifPresent(records::add);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return records;
  }

  /** The last {@code lines} lines of a resource's log, oldest first. */
  List<String> logTail(String name, int lines) {
    Path log = logFile(name);
    if (!Files.exists(log)) {
      return List.of();
    }
    try (Stream<String> all = Files.lines(log, java.nio.charset.StandardCharsets.UTF_8)) {
      java.util.ArrayDeque<String> tail = new java.util.ArrayDeque<>(lines);
      all.forEach(
          line -> {
            if (tail.size() == lines) {
              tail.removeFirst();
            }
            tail.addLast(line);
          });
      return List.copyOf(tail);
    } catch (IOException | UncheckedIOException e) {
      return List.of("(log unreadable: " + e.getMessage() + ")");
    }
  }

  private Path recordFile(String name) {
    return dir.resolve(name + ".json");
  }
}
