package org.guildpkg.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.ArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.guildpkg.GuildException;
import org.guildpkg.archive.ArchiveReader;
import org.guildpkg.archive.FileEntry;
import org.guildpkg.archive.PackageFormat;
import org.guildpkg.archive.PathTree;

/**
 * Extracts an archive's data entries into an empty folder, trusting nothing in the archive.
 *
 * <p>The file list is checked first (safe relative paths, no duplicates, symbolic links that stay
 * inside the package even when followed through other links); then every tar entry must be a
 * regular file, folder or symbolic link that the list declares, once, with the declared size,
 * sha256 and link target. Sizes are checked from the entry's header before its content is read,
 * and the decompressed bytes are counted against what the list declares, so a zstd bomb costs
 * only the bytes up to the first lie. Symbolic links are made last, so no file is ever written
 * through one. On any failure the caller deletes the folder; nothing is written outside it.
 */
final class SafeExtractor {
  /** Slack per entry for tar headers, PAX records and padding, beyond the declared content. */
  private static final long OVERHEAD_PER_ENTRY = 2L * PathTree.MAX_PATH_BYTES + 4096;
  private static final long OVERHEAD_FIXED = 1 << 20;

  private final ArchiveReader reader;
  private final Path target;
  private final ProgressListener progress;
  private final String where;
  private final WrittenFiles written;
  private final byte[] buf = new byte[1 << 18];
  private final Set<Path> madeDirectories = new HashSet<>();

  private SafeExtractor(ArchiveReader reader, Path target, ProgressListener progress, WrittenFiles written) {
    this.reader = reader;
    this.target = target;
    this.progress = progress;
    this.written = written;
    this.where = reader.path() + " (" + reader.manifest().name() + "@" + reader.manifest().version() + ")";
  }

  /**
   * Extracts every data entry of {@code reader} into {@code target} (an empty folder), handing
   * each regular file to {@code written} once it is written, to be checked against its sha256
   * and synced; the caller awaits that before it commits.
   *
   * @return the file list, keyed by path, as checked
   * @throws GuildException naming the archive and the entry at fault
   */
  static Map<String, FileEntry> extract(ArchiveReader reader, Path target, ProgressListener progress,
      WrittenFiles written) {
    return new SafeExtractor(reader, target, progress, written).run();
  }

  private Map<String, FileEntry> run() {
    Map<String, FileEntry> declared = checkFileList(reader.files(), where);
    long declaredBytes = declared.values().stream()
        .filter(f -> f.kind() == FileEntry.Kind.FILE).mapToLong(FileEntry::size).sum();
    long budget = declaredBytes + OVERHEAD_FIXED + OVERHEAD_PER_ENTRY * (declared.size() + 1);
    ArchiveInputStream<?> counted =
        reader.stream() instanceof ArchiveInputStream<?> a ? a : null;
    long start = counted == null ? 0 : counted.getBytesRead();
    Set<String> seen = new HashSet<>();
    List<FileEntry> links = new ArrayList<>();
    long done = 0;
    progress.progress(0, declaredBytes);
    try {
      for (TarArchiveEntry e; (e = reader.nextDataEntry()) != null; ) {
        String rel = e.getName().substring(PackageFormat.DATA_PREFIX.length());
        if (e.isDirectory() && rel.endsWith("/")) {
          rel = rel.substring(0, rel.length() - 1);
        }
        checkPath(rel, "entry '" + e.getName() + "'");
        checkEntryType(e, rel);
        if (!seen.add(rel)) {
          throw fail("entry '" + e.getName() + "' appears twice");
        }
        FileEntry f = declared.get(rel);
        if (f == null) {
          throw fail("entry '" + e.getName() + "' is not in the file list");
        }
        Path out = target.resolve(rel);
        switch (f.kind()) {
          case FILE -> {
            if (!e.isFile() || e.isLink()) {
              throw fail("entry '" + e.getName() + "' is not the regular file the file list declares");
            }
            if (e.getSize() != f.size()) {
              throw fail("entry '" + e.getName() + "' holds " + e.getSize()
                  + " bytes but the file list declares " + f.size());
            }
            ensureDirectory(out.getParent());
            copyChecked(f, e.getName(), out, done, declaredBytes);
            done += f.size();
          }
          case DIRECTORY -> {
            if (!e.isDirectory()) {
              throw fail("entry '" + e.getName() + "' is not the folder the file list declares");
            }
            ensureDirectory(out);
          }
          case SYMLINK -> {
            if (!e.isSymbolicLink() || !e.getLinkName().equals(f.linkTarget().orElse(""))) {
              throw fail("entry '" + e.getName() + "' is not the symbolic link to '"
                  + f.linkTarget().orElse("") + "' that the file list declares");
            }
            links.add(f);
          }
          default -> throw new IllegalStateException(f.kind().toString());
        }
        if (counted != null && counted.getBytesRead() - start > budget) {
          throw fail("the archive holds more data than its file list declares (" + declaredBytes
              + " bytes); refusing to read further");
        }
      }
      for (String path : declared.keySet()) {
        if (!seen.contains(path)) {
          throw fail("'" + path + "' is in the file list but missing from the archive");
        }
      }
      for (FileEntry l : links) {
        Path out = target.resolve(l.path());
        Files.createDirectories(out.getParent());
        Files.createSymbolicLink(out, Path.of(l.linkTarget().orElseThrow()));
      }
      progress.progress(declaredBytes, declaredBytes);
      return declared;
    } catch (IOException e) {
      throw new GuildException("cannot extract " + where + " into " + target + ": " + GuildException.reason(e), e);
    }
  }

  /** Creates a folder and its parents, asking the file system only about folders not made yet. */
  private void ensureDirectory(Path dir) throws IOException {
    if (madeDirectories.add(dir)) {
      Files.createDirectories(dir);
    }
  }

  private void copyChecked(FileEntry f, String name, Path out, long doneBefore, long total)
      throws IOException {
    InputStream in = reader.stream();
    long left = f.size();
    try (OutputStream os = Files.newOutputStream(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      while (left > 0) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (n < 0) {
          throw fail("entry '" + name + "' ends after " + (f.size() - left) + " of "
              + f.size() + " bytes (truncated archive)");
        }
        os.write(buf, 0, n);
        left -= n;
        progress.progress(doneBefore + f.size() - left, total);
      }
    }
    Files.setPosixFilePermissions(out, permissions(f.mode()));
    written.submitFile(out, f.sha256(), sha ->
        fail("entry '" + name + "' has sha256 " + sha + " but the file list declares " + f.sha256()));
  }

  private void checkEntryType(TarArchiveEntry e, String rel) {
    if (e.isCharacterDevice() || e.isBlockDevice()) {
      throw fail("entry '" + e.getName() + "' is a device file; packages hold only files, folders and links");
    }
    if (e.isFIFO()) {
      throw fail("entry '" + e.getName() + "' is a FIFO; packages hold only files, folders and links");
    }
    if (e.isLink()) {
      String t = e.getLinkName();
      boolean inside = t.startsWith(PackageFormat.DATA_PREFIX)
          && isSafePath(t.substring(PackageFormat.DATA_PREFIX.length()));
      throw fail("entry '" + e.getName() + "' is a hard link to '" + t + "'"
          + (inside ? "; packages may not hold hard links" : ", outside the package folder"));
    }
    if (e.isSymbolicLink()) {
      if (!PathTree.lexicallyInside(rel, e.getLinkName())) {
        throw fail("entry '" + e.getName() + "' is a symbolic link to '" + e.getLinkName()
            + "', outside the package folder");
      }
      return;
    }
    if (!e.isFile() && !e.isDirectory()) {
      throw fail("entry '" + e.getName() + "' has an unsupported type '" + (char) e.getLinkFlag() + "'");
    }
  }

  /**
   * Checks the file list as a whole, before any byte of data is read, in time linear in its
   * size: path limits, duplicates, entries below files or links, links resolved through links.
   */
  static Map<String, FileEntry> checkFileList(List<FileEntry> files, String where) {
    Map<String, FileEntry> byPath = new LinkedHashMap<>();
    PathTree tree = new PathTree(where);
    for (FileEntry f : files) {
      if (!f.path().contains("/")
          && (f.path().equals(PackageFormat.MANIFEST) || f.path().equals(PackageFormat.FILES))) {
        throw new GuildException(where + ": file list entry '" + f.path()
            + "' uses a name the store keeps for itself");
      }
      tree.add(f);
      byPath.put(f.path(), f);
      if (f.kind() == FileEntry.Kind.FILE && (f.size() < 0 || !f.sha256().matches("[0-9a-f]{64}"))) {
        throw new GuildException(where + ": file list entry '" + f.path() + "' has no valid size and sha256");
      }
    }
    tree.checkLinks();
    return byPath;
  }

  private void checkPath(String rel, String what) {
    PathTree.problem(rel).ifPresent(p -> {
      throw new GuildException(where + ": " + what + " " + p);
    });
  }

  private static boolean isSafePath(String rel) {
    return PathTree.problem(rel).isEmpty();
  }

  static Set<PosixFilePermission> permissions(int mode) {
    return PosixFilePermissions.fromString(
        ((mode & 0100) != 0 ? "rwxr-xr-x" : "rw-r--r--"));
  }

  private GuildException fail(String message) {
    return new GuildException(where + ": " + message + "; the archive is unsafe or corrupt, nothing was installed");
  }
}
