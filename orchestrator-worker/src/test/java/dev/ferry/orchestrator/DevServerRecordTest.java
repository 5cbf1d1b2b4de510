package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevServerRecordTest {

  @TempDir Path dir;

  private static final ProcessHandle SELF = ProcessHandle.current();

  @Test
  void readsBackWhatItWrote() {
    DevServerRecord record = new DevServerRecord(42, Instant.parse("2026-11-22T05:00:00Z"), 17, 18);

    record.write(dir);

    assertThat(DevServerRecord.read(dir)).contains(record);
    DevServerRecord.delete(dir);
    assertThat(DevServerRecord.read(dir)).isEmpty();
  }

  @Test
  void findsTheRecordedProcessWhileItRuns() {
    DevServerRecord record =
        new DevServerRecord(SELF.pid(), SELF.info().startInstant().orElseThrow(), 1, 2);

    assertThat(record.liveProcess()).contains(SELF);
  }

  @Test
  void aReusedPidWithAnotherStartTimeIsNotTheRecordedProcess() {
    Instant otherStart = SELF.info().startInstant().orElseThrow().minusSeconds(3600);

    assertThat(new DevServerRecord(SELF.pid(), otherStart, 1, 2).liveProcess()).isEmpty();
  }

  @Test
  void aTornFileCountsAsNoRecord() throws Exception {
    Files.writeString(dir.resolve(DevServerRecord.FILE), "pid=12\nstartedAt=yesterday\n");

    assertThat(DevServerRecord.read(dir)).isEmpty();
  }
}
