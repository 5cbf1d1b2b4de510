package dev.ferry.providers.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LogTailTest {

  @Test
  void joinsLinesSplitAcrossFrames() {
    LogTail tail = new LogTail(10);
    byte[] text = "größe=1\r\nsecond".getBytes(StandardCharsets.UTF_8);

    // Split inside the two-byte "ö".
    tail.onNext(new Frame(StreamType.STDOUT, Arrays.copyOfRange(text, 0, 3)));
    tail.onNext(new Frame(StreamType.STDERR, "oops\n".getBytes(StandardCharsets.UTF_8)));
    tail.onNext(new Frame(StreamType.STDOUT, Arrays.copyOfRange(text, 3, text.length)));

    assertThat(tail.lines()).containsExactly("oops", "größe=1", "second");
  }

  @Test
  void keepsOnlyTheLastLines() {
    LogTail tail = new LogTail(2);

    tail.onNext(new Frame(StreamType.STDOUT, "1\n2\n3\n".getBytes(StandardCharsets.UTF_8)));

    assertThat(tail.lines()).containsExactly("2", "3");
  }
}
