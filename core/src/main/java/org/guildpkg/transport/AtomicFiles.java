package org.guildpkg.transport;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.guildpkg.GuildException;
import org.guildpkg.io.FileOps;

/**
 * Replaces a file so that readers see the old content or the new, never half: the content goes to
 * a hidden temporary file beside the target, is flushed to disk, and is renamed over it
 * ({@link FileOps#replace}), failing with a {@link TransportException}.
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

  private static void replace(Path target, FileOps.Filler filler) {
    try {
      FileOps.replace(target, filler);
    } catch (IOException e) {
      throw new TransportException("cannot write " + target + ": " + GuildException.reason(e), false, e);
    }
  }
}
