package org.guildpkg.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file primitives every part of Guild uses: sha256 of a file, atomic replacement of a file,
 * recursive deletion without following links, syncing a folder.
 *
 * <pre>{@code
 * String sum = FileOps.sha256(archive);
 * FileOps.writeAtomically(home.resolve("config"), bytes);   // readers see old or new, never half
 * FileOps.deleteTree(workDir);                              // links are removed, not followed
 * }</pre>
 */
public final class FileOps {
  private static final Logger LOG = LoggerFactory.getLogger(FileOps.class);

  private FileOps() {}

  /** A fresh SHA-256 digest (always present in the JDK). */
  public static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The sha256 of {@code bytes} as lowercase hex. */
  public static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(sha256Digest().digest(bytes));
  }

  /** The sha256 of a file's content as lowercase hex. */
  public static String sha256(Path file) throws IOException {
    MessageDigest md = sha256Digest();
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** What fills a temporary file before {@link #replace} renames it over its target. */
  public interface Filler {
    /** Writes the new content into {@code tmp}, an empty file beside the target. */
    void fill(Path tmp) throws IOException;
  }

  /** Writes {@code content} to {@code target} atomically, creating its folder. */
  public static void writeAtomically(Path target, byte[] content) throws IOException {
    replace(target, tmp -> {
      try (OutputStream out = Files.newOutputStream(tmp)) {
        out.write(content);
      }
    });
  }

  /** Copies {@code source} to {@code target} atomically, creating its folder. */
  public static void copyAtomically(Path source, Path target) throws IOException {
    replace(target, tmp -> Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING));
  }

  /**
   * Replaces {@code target} so that readers see the old content or the new, never half: the
   * content goes to a hidden temporary file beside it, is flushed to disk, and is renamed over it.
   * The temporary file is removed when anything fails.
   */
  public static void replace(Path target, Filler filler) throws IOException {
    Path abs = target.toAbsolutePath();
    Files.createDirectories(abs.getParent());
    Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp");
    try {
      filler.fill(tmp);
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      tmp = null;
    } finally {
      if (tmp != null) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /**
   * Deletes a file or folder tree; links are deleted, never followed, and folders without write
   * permission are made writable first (a packager may leave such). Absent is fine.
   */
  public static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
          dir.toFile().setWritable(true, true);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.deleteIfExists(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
          if (exc instanceof NoSuchFileException) {
            return FileVisitResult.CONTINUE; // removed meanwhile
          }
          throw exc;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
          if (exc != null) {
            throw exc;
          }
          Files.deleteIfExists(dir);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (NoSuchFileException e) {
      // removed meanwhile
    }
  }

  /** {@link #deleteTree}, logging instead of throwing (for clean-up after another failure). */
  public static void deleteQuietly(Path root) {
    try {
      deleteTree(root);
    } catch (IOException e) {
      LOG.warn("cannot delete {}: {}", root, e.toString());
    }
  }

  /** Flushes a folder's entries (a rename into it) to disk, where the file system can. */
  public static void syncFolder(Path dir) {
    try (FileChannel c = FileChannel.open(dir, StandardOpenOption.READ)) {
      c.force(true);
    } catch (IOException e) {
      // Some file systems cannot sync a folder; the rename is still atomic there.
      LOG.debug("cannot sync folder {}: {}", dir, e.toString());
    }
  }
}
