package dev.ferry.external;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OutputTailTest {

  @Test
  void keepsTheLastLinesAndCountsAll() {
    OutputTail tail = new OutputTail(2);

    tail.consume(stream("one\ntwo\r\nthree\nfour"));

    assertThat(tail.lines()).containsExactly("three", "four");
    assertThat(tail.count()).isEqualTo(4);
    assertThat(tail.lastLine()).isEqualTo("four");
  }

  @Test
  void cutsLinesTooLongToKeep() {
    OutputTail tail = new OutputTail(5);

    tail.consume(stream("x".repeat(OutputTail.MAX_LINE_CHARS * 3) + "\nshort\n"));

    assertThat(tail.lines().getFirst()).hasSize(OutputTail.MAX_LINE_CHARS + 1).endsWith("…");
    assertThat(tail.lastLine()).isEqualTo("short");
  }

  @Test
  void hasAnEmptyLastLineBeforeAnyOutput() {
    OutputTail tail = new OutputTail(5);

    tail.consume(stream(""));

    assertThat(tail.lines()).isEmpty();
    assertThat(tail.lastLine()).isEmpty();
  }

  private static ByteArrayInputStream stream(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }
}
