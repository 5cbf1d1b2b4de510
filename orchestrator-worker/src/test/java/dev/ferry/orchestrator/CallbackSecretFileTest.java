package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CallbackSecretFileTest {

  @TempDir Path dir;

  @Test
  void makesAnOwnerOnlySecretOnceAndKeepsIt() throws Exception {
    String first = CallbackSecretFile.readOrCreate(dir);
    String second = CallbackSecretFile.readOrCreate(dir);

    assertThat(first).hasSize(64).isEqualTo(second);
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("callback-secret"))))
        .isEqualTo("rw-------");
  }

  @Test
  void anEmptyFileIsAnErrorNamingTheWaysOut() throws Exception {
    Files.writeString(dir.resolve("callback-secret"), "\n");

    assertThatThrownBy(() -> CallbackSecretFile.readOrCreate(dir))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is empty")
        .hasMessageContaining("FERRY_CALLBACK_SECRET");
  }
}
