package dev.ferry.external;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The last lines of a process's output, filled by one reader thread and read by another.
 *
 * <p>Lines longer than {@value #MAX_LINE_CHARS} characters are cut, so a command that prints
 * megabytes without a newline cannot exhaust memory.
 */
final class OutputTail {

  static final int MAX_LINE_CHARS = 4096;

  private final int capacity;
  private final Deque<String> lines;
  private long count;

  OutputTail(int capacity) {
    this.capacity = capacity;
    this.lines = new ArrayDeque<>(capacity);
  }

  /** Reads UTF-8 lines until the stream ends or fails, keeping the last ones. */
  void consume(InputStream output) {
    try (Reader reader = new InputStreamReader(output, StandardCharsets.UTF_8)) {
      char[] buffer = new char[8192];
      StringBuilder line = new StringBuilder();
      boolean cut = false;
      int read;
      while ((read = reader.read(buffer)) != -1) {
        for (int i = 0; i < read; i++) {
          char c = buffer[i];
          if (c == '\n') {
            add(line);
            line.setLength(0);
            cut = false;
          } else if (line.length() < MAX_LINE_CHARS) {
            line.append(c);
          } else if (!cut) {
            line.append('…');
            cut = true;
          }
        }
      }
      if (!line.isEmpty()) {
        add(line);
      }
    } catch (IOException e) {
      // The process was destroyed and its pipe closed: what was read so far is the tail.
    }
  }

  /** Lines read so far, including those no longer kept. */
  synchronized long count() {
    return count;
  }

  /** The kept lines, oldest first. */
  synchronized List<String> lines() {
    return List.copyOf(lines);
  }

  /** The latest line; empty before any. */
  synchronized String lastLine() {
    return lines.isEmpty() ? "" : lines.peekLast();
  }

  private synchronized void add(CharSequence line) {
    int end = line.length();
    if (end > 0 && line.charAt(end - 1) == '\r') {
      end--;
    }
    if (lines.size() == capacity) {
      lines.removeFirst();
    }
    lines.addLast(line.subSequence(0, end).toString());
    count++;
  }
}
