package dev.ferry.orchestrator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The key callback URLs are signed with, kept in the data directory ({@code callback-secret},
 * readable by its owner only) when {@code ferry server} runs its own dev server and no {@code
 * FERRY_CALLBACK_SECRET} is set: a callback-mode run started before a restart is still accepted
 * after it, as its workflow is.
 */
final class CallbackSecretFile {

  static final String FILE = "callback-secret";

  private CallbackSecretFile() {}

  /** The secret in {@code dataDir}, made on first use. */
  static String readOrCreate(Path dataDir) {
    Path file = dataDir.resolve(FILE);
    try {
      if (!Files.exists(file)) {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        try {
          Files.createFile(
              file,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
          Files.writeString(
              file,
              HexFormat.of().formatHex(secret),
              StandardCharsets.UTF_8,
              StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException madeMeanwhile) {
          // Another process made it first: use theirs.
        }
      }
      String secret = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (secret.isEmpty()) {
        throw new IllegalStateException(
            file + " is empty; delete it, or set FERRY_CALLBACK_SECRET");
      }
      return secret;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create " + file, e);
    }
  }
}
