package dev.ferry.orchestrator;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive OS lock on {@code ferry-server.lock} in the data directory, held by the {@code ferry
 * server} that owns the dev server there. The OS drops it when that process dies, however it dies,
 * so a killed server never blocks the next one; a second server started while the first runs is
 * refused instead of sharing (and later stopping) the first one's dev server.
 */
final class DataDirLock implements AutoCloseable {

  static final String FILE = "ferry-server.lock";

  private final FileChannel channel;
  private final FileLock lock;

  private DataDirLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock, creating the directory if needed.
   *
   * @throws IllegalStateException when another process holds it, naming that process and the ways
   *     out
   */
  static DataDirLock acquire(Path dataDir) {
    Path file = dataDir.resolve(FILE);
    FileChannel channel = null;
    try {
      Files.createDirectories(dataDir);
      channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException heldByThisProcess) {
        lock = null;
      }
      if (lock == null) {
        String holder = Files.readString(file, StandardCharsets.UTF_8).strip();
        channel.close();
        throw new IllegalStateException(
            "another ferry server"
                + (holder.isEmpty() ? "" : " (process " + holder + ")")
                + " runs the Temporal dev server of "
                + dataDir
                + ". To share its Temporal, set TEMPORAL_ADDRESS to its address; for a"
                + " separate one, set "
                + DevServerSettings.DATA_DIR
                + " and FERRY_TEMPORAL_PORT");
      }
      channel.truncate(0);
      channel.write(
          ByteBuffer.wrap(
              String.valueOf(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)),
          0);
      return new DataDirLock(channel, lock);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new IllegalStateException(
          "cannot use the data directory "
              + dataDir
              + " ("
              + e.getMessage()
              + "); set "
              + DevServerSettings.DATA_DIR
              + " to a writable directory",
          e);
    }
  }

  @Override
  public void close() {
    try {
      if (lock.isValid()) {
        lock.release();
      }
    } catch (IOException ignored) {
      // Closing the channel below releases it too.
    }
    closeQuietly(channel);
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException ignored) {
      // Nothing is left to release: the process keeps no lock on a closed channel.
    }
  }
}
