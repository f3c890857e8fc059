package org.guildpkg.build;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Enumeration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;
import org.guildpkg.GuildException;
import org.guildpkg.archive.FileEntry;
import org.guildpkg.archive.PathTree;
import org.guildpkg.archive.TarHeaderGuard;

/**
 * Puts fetched sources into {@code $srcdir}: {@code .tar.gz}, {@code .tgz}, {@code .tar.zst},
 * {@code .tar} and {@code .zip} files are extracted into it, every other file is copied.
 *
 * <p>An archive entry whose path (or link target) would land outside {@code $srcdir} is refused,
 * as is writing through a link an earlier entry made, so a hostile tarball cannot write
 * elsewhere.
 */
final class SourceExtractor {
  private static final List<String> TAR_GZ = List.of(".tar.gz", ".tgz");
  private static final List<String> TAR_ZST = List.of(".tar.zst", ".tzst");

  private SourceExtractor() {}

  /** Tells whether a source of this file name is extracted rather than copied. */
  static boolean isArchive(String fileName) {
    String n = fileName.toLowerCase(Locale.ROOT);
    return TAR_GZ.stream().anyMatch(n::endsWith) || TAR_ZST.stream().anyMatch(n::endsWith)
        || n.endsWith(".tar") || n.endsWith(".zip");
  }

  /** Extracts or copies {@code file} into {@code srcdir} under the name {@code fileName}. */
  static void stage(Path file, String fileName, Path srcdir) {
    String n = fileName.toLowerCase(Locale.ROOT);
    try {
      Path root = srcdir.toRealPath();
      if (n.endsWith(".zip")) {
        unzip(file, root);
      } else if (isArchive(fileName)) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
            InputStream in = decompressed(raw, n);
            TarArchiveInputStream tar = new TarArchiveInputStream(new TarHeaderGuard(in))) {
          untar(tar, root, fileName);
        }
      } else {
        Files.copy(file, root.resolve(fileName), StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.COPY_ATTRIBUTES);
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof GuildException ge) {
        throw ge;
      }
      throw new GuildException("cannot extract source " + fileName + " (" + file + ") into "
          + srcdir + ": " + GuildException.reason(e), e);
    }
  }

  private static InputStream decompressed(InputStream raw, String lowerCaseName)
      throws IOException {
    if (TAR_GZ.stream().anyMatch(lowerCaseName::endsWith)) {
      return GzipCompressorInputStream.builder().setInputStream(raw)
          .setDecompressConcatenated(true).get();
    }
    return TAR_ZST.stream().anyMatch(lowerCaseName::endsWith)
        ? new ZstdCompressorInputStream(raw) : raw;
  }

  private static void untar(TarArchiveInputStream tar, Path root, String fileName)
      throws IOException {
    for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
      Path target = inside(root, e.getName(), fileName);
      if (e.isDirectory()) {
        Files.createDirectories(target);
      } else if (e.isSymbolicLink()) {
        Path resolved = target.getParent().resolve(e.getLinkName()).normalize();
        if (Path.of(e.getLinkName()).isAbsolute() || !resolved.startsWith(root)) {
          throw new GuildException("source " + fileName + ": link " + e.getName() + " -> "
              + e.getLinkName() + " points outside $srcdir; refusing to extract it");
        }
        prepareParent(root, target, fileName, e.getName());
        Files.deleteIfExists(target);
        Files.createSymbolicLink(target, Path.of(e.getLinkName()));
      } else if (e.isLink()) {
        Path from = inside(root, e.getLinkName(), fileName);
        // Resolve the link's source as the OS will, through every link extracted so far.
        if (!Files.isRegularFile(from) || !from.toRealPath().startsWith(root)) {
          throw new GuildException("source " + fileName + ": hard link " + e.getName() + " -> "
              + e.getLinkName() + " is not a file inside $srcdir (followed through its links);"
              + " refusing to extract it");
        }
        prepareParent(root, target, fileName, e.getName());
        Files.copy(from, target, StandardCopyOption.REPLACE_EXISTING);
      } else if (e.isFile()) {
        prepareParent(root, target, fileName, e.getName());
        Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
        setExecutable(target, (e.getMode() & 0100) != 0);
      }
      // other entry kinds (devices, fifos) are skipped: a source tree needs none
    }
    checkLinks(root, fileName);
  }

  /**
   * Resolves every symbolic link now in {@code root} as the store's extractor does, following
   * the others on the way: a chain of links that each look harmless may still lead out.
   */
  private static void checkLinks(Path root, String fileName) throws IOException {
    PathTree tree = new PathTree("source " + fileName + " in $srcdir");
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
        if (!d.equals(root)) {
          tree.add(rel(root, d), FileEntry.Kind.DIRECTORY, "");
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
        if (attrs.isSymbolicLink()) {
          tree.add(rel(root, f), FileEntry.Kind.SYMLINK, Files.readSymbolicLink(f).toString());
        } else {
          tree.add(rel(root, f), FileEntry.Kind.FILE, "");
        }
        return FileVisitResult.CONTINUE;
      }
    });
    tree.checkLinks();
  }

  private static String rel(Path root, Path p) {
    return root.relativize(p).toString();
  }

  private static void unzip(Path file, Path root) throws IOException {
    String fileName = file.getFileName().toString();
    try (ZipFile zip = ZipFile.builder().setPath(file).get()) {
      for (Enumeration<ZipArchiveEntry> en = zip.getEntries(); en.hasMoreElements(); ) {
        ZipArchiveEntry e = en.nextElement();
        Path target = inside(root, e.getName(), fileName);
        if (e.isDirectory()) {
          Files.createDirectories(target);
        } else if (e.isUnixSymlink()) {
          throw new GuildException("source " + fileName + ": zip entry " + e.getName()
              + " is a symbolic link; links are only extracted from tar sources");
        } else {
          prepareParent(root, target, fileName, e.getName());
          try (InputStream in = zip.getInputStream(e)) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
          }
          setExecutable(target, (e.getUnixMode() & 0100) != 0);
        }
      }
    }
  }

  /** The entry's path in {@code root}, refusing names that escape it. */
  private static Path inside(Path root, String name, String fileName) {
    Path target = root.resolve(name).normalize();
    if (Path.of(name).isAbsolute() || !target.startsWith(root)) {
      throw new GuildException("source " + fileName + ": entry '" + name
          + "' would be extracted outside $srcdir; refusing to extract it");
    }
    return target;
  }

  /** Creates the parent folders and checks that they do not lead out of {@code root}. */
  private static void prepareParent(Path root, Path target, String fileName, String name)
      throws IOException {
    Files.createDirectories(target.getParent());
    if (!target.getParent().toRealPath().startsWith(root)
        || Files.isSymbolicLink(target) && !target.toRealPath().startsWith(root)) {
      throw new GuildException("source " + fileName + ": entry '" + name
          + "' would be written through a link outside $srcdir; refusing to extract it");
    }
  }

  private static void setExecutable(Path file, boolean exec) throws IOException {
    Set<PosixFilePermission> perms = EnumSet.of(PosixFilePermission.OWNER_READ,
        PosixFilePermission.OWNER_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OTHERS_READ);
    if (exec) {
      perms.addAll(EnumSet.of(PosixFilePermission.OWNER_EXECUTE,
          PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_EXECUTE));
    }
    if (!Files.isSymbolicLink(file)) {
      Files.setPosixFilePermissions(file, perms);
    }
  }
}
