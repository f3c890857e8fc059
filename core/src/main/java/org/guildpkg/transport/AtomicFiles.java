package org.guildpkg.transport;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.guildpkg.GuildException;

/**
 * Replaces a file so that readers see the old content or the new, never half: the content goes to
 * a hidden temporary file beside the target, is flushed to disk, and is renamed over it.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Writes {@code content} to {@code target}, creating its folder. */
  public static void write(Path target, byte[] content) {
    replace(target, tmp -> {
      try (OutputStream out = Files.newOutputStream(tmp)) {
        out.write(content);
      }
    });
  }

  /** Copies {@code source} to {@code target}, creating its folder. */
  public static void copy(Path source, Path target) {
    replace(target, tmp -> Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING));
  }

  private interface Filler {
    void fill(Path tmp) throws IOException;
  }

  private static void replace(Path target, Filler filler) {
    Path tmp = null;
    try {
      Files.createDirectories(target.toAbsolutePath().getParent());
      tmp = Files.createTempFile(target.toAbsolutePath().getParent(), "." + target.getFileName(), ".tmp");
      filler.fill(tmp);
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      tmp = null;
    } catch (IOException e) {
      throw new TransportException("cannot write " + target + ": " + GuildException.reason(e), false, e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // a hidden .tmp file is harmless and names no package
        }
      }
    }
  }
}
