package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirLockTest {

  @TempDir Path dir;

  @Test
  void aSecondOwnerIsRefusedNamingTheHolderAndTheWaysOut() {
    Path data = dir.resolve("ferry");
    try (DataDirLock first = DataDirLock.acquire(data)) {
      assertThatThrownBy(() -> DataDirLock.acquire(data))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("another ferry server (process " + ProcessHandle.current().pid())
          .hasMessageContaining("TEMPORAL_ADDRESS")
          .hasMessageContaining("FERRY_DATA_DIR");
    }
  }

  @Test
  void isFreeAgainOnceReleased() {
    DataDirLock.acquire(dir).close();

    try (DataDirLock again = DataDirLock.acquire(dir)) {
      assertThat(dir.resolve(DataDirLock.FILE)).exists();
    }
  }

  @Test
  void aDataDirectoryThatCannotBeMadeNamesTheVariable() throws Exception {
    Path file = java.nio.file.Files.writeString(dir.resolve("a-file"), "");

    assertThatThrownBy(() -> DataDirLock.acquire(file.resolve("ferry")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot use the data directory")
        .hasMessageContaining("FERRY_DATA_DIR");
  }
}
