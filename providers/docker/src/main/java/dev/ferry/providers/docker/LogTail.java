package dev.ferry.providers.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Collects a container's log frames as text lines, keeping the last {@code limit}. Frames need not
 * end at line ends, so bytes are buffered per stream until a newline (which never occurs inside a
 * multi-byte UTF-8 character).
 */
final class LogTail extends ResultCallback.Adapter<Frame> {

  private final int limit;
  private final Deque<String> lines = new ArrayDeque<>();
  private final Map<StreamType, ByteArrayOutputStream> partial = new EnumMap<>(StreamType.class);

  LogTail(int limit) {
    this.limit = limit;
  }

  @Override
  public synchronized void onNext(Frame frame) {
    ByteArrayOutputStream buffer =
        partial.computeIfAbsent(frame.getStreamType(), type -> new ByteArrayOutputStream());
    for (byte b : frame.getPayload()) {
      if (b == '\n') {
        add(buffer);
      } else {
        buffer.write(b);
      }
    }
  }

  /** The lines collected, oldest first, including a last line that had no newline. */
  synchronized List<String> lines() {
    partial.values().stream().filter(buffer -> buffer.size() > 0).forEach(this::add);
    return List.copyOf(lines);
  }

  private void add(ByteArrayOutputStream buffer) {
    String line = buffer.toString(StandardCharsets.UTF_8);
    buffer.reset();
    if (line.endsWith("\r")) {
      line = line.substring(0, line.length() - 1);
    }
    if (lines.size() == limit) {
      lines.removeFirst();
    }
    lines.addLast(line);
  }
}
