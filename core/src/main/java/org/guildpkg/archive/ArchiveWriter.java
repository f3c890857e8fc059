package org.guildpkg.archive;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.guildpkg.GuildException;
import org.guildpkg.io.FileOps;

/**
 * Writes a package archive ({@link PackageFormat}) from a manifest and the folder of files that
 * a packager filled ({@code $pkgdir}).
 *
 * <p>The output is reproducible: entries sorted by path, modification times fixed (0 or
 * {@code SOURCE_DATE_EPOCH}), owner root, modes normalised to 0644/0755. It is written to a
 * temporary file beside the target and renamed only when complete, so a failure leaves no archive.
 *
 * <pre>{@code
 * Path archive = ArchiveWriter.write(manifest, pkgdir, outputDir, 0L);
 * }</pre>
 */
public final class ArchiveWriter {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final int ZSTD_LEVEL = 6;

  private ArchiveWriter() {}

  /**
   * Writes {@code outputDir/NAME-VERSION.pkg.tar.zst}, replacing an older file of that name.
   *
   * @param mtimeSeconds the modification time of every entry, seconds since the epoch
   * @return the archive's path
   * @throws GuildException when {@code pkgdir} holds a link that points outside it, a special
   *     file, or cannot be read; no archive is left behind then
   */
  public static Path write(Manifest manifest, Path pkgdir, Path outputDir, long mtimeSeconds) {
    List<FileEntry> files = scan(pkgdir);
    try {
      Files.createDirectories(outputDir);
    } catch (IOException e) {
      throw new GuildException("cannot create output folder " + outputDir + ": " + GuildException.reason(e), e);
    }
    Path target = outputDir.resolve(PackageFormat.fileName(manifest));
    Path tmp = null;
    try {
      tmp = Files.createTempFile(outputDir, "." + manifest.id() + ".", ".tmp");
      try (OutputStream raw = Files.newOutputStream(tmp);
          OutputStream zst = new ZstdOutputStream(new BufferedOutputStream(raw, 1 << 16), ZSTD_LEVEL);
          TarArchiveOutputStream tar = new TarArchiveOutputStream(zst, 1 << 16)) {
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        Date mtime = new Date(mtimeSeconds * 1000L);
        putBytes(tar, PackageFormat.MANIFEST, JSON.writeValueAsBytes(manifest.toJson()), mtime);
        putBytes(tar, PackageFormat.FILES, fileListJson(files), mtime);
        for (FileEntry f : files) {
          String name = PackageFormat.DATA_PREFIX + f.path();
          TarArchiveEntry e;
          switch (f.kind()) {
            case DIRECTORY -> e = new TarArchiveEntry(name + "/");
            case SYMLINK -> {
              e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
              e.setLinkName(f.linkTarget().orElseThrow());
            }
            default -> {
              e = new TarArchiveEntry(name);
              e.setSize(f.size());
            }
          }
          normalise(e, f.mode(), mtime);
          tar.putArchiveEntry(e);
          if (f.kind() == FileEntry.Kind.FILE) {
            try (InputStream in = Files.newInputStream(pkgdir.resolve(f.path()))) {
              long n = in.transferTo(tar);
              if (n != f.size()) {
                throw new GuildException(
                    pkgdir.resolve(f.path()) + " changed while it was being packed");
              }
            }
          }
          tar.closeArchiveEntry();
        }
        tar.finish();
      }
      // createTempFile makes the file owner-only; an archive is meant to be shared.
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      tmp = null;
      return target;
    } catch (IOException e) {
      throw new GuildException("cannot write archive " + target + ": " + GuildException.reason(e), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // best effort: the temporary file has a name that no reader takes for an archive
        }
      }
    }
  }

  /**
   * Lists every file, folder and link below {@code pkgdir}, sorted by path, with normalised
   * modes and sha256 of regular files.
   *
   * @throws GuildException for a link pointing outside {@code pkgdir} (also through other
   *     links), a special file, or a path past {@link PathTree}'s limits
   */
  public static List<FileEntry> scan(Path pkgdir) {
    Path root = pkgdir.toAbsolutePath().normalize();
    List<FileEntry> out = new ArrayList<>();
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              if (!dir.equals(root)) {
                out.add(new FileEntry(rel(root, dir), FileEntry.Kind.DIRECTORY, 0755, 0, "", Optional.empty()));
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
              String rel = rel(root, file);
              if (attrs.isSymbolicLink()) {
                Path target = Files.readSymbolicLink(file);
                Path resolved = file.getParent().resolve(target).normalize();
                if (target.isAbsolute() || !resolved.startsWith(root)) {
                  throw new GuildException(
                      "symbolic link " + file + " points outside the package folder (to " + target
                          + "); copy the file in instead");
                }
                out.add(new FileEntry(rel, FileEntry.Kind.SYMLINK, 0777, 0, "",
                    Optional.of(target.toString().replace('\\', '/'))));
              } else if (attrs.isRegularFile()) {
                boolean exec = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS)
                    .contains(PosixFilePermission.OWNER_EXECUTE);
                out.add(new FileEntry(rel, FileEntry.Kind.FILE, exec ? 0755 : 0644, attrs.size(),
                    sha256(file), Optional.empty()));
              } else {
                throw new GuildException(
                    file + " is not a regular file, folder or link; packages hold only those");
              }
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new GuildException("cannot read package folder " + pkgdir + ": " + GuildException.reason(e), e);
    }
    out.sort((a, b) -> a.path().compareTo(b.path()));
    // What install will refuse, refuse now: paths past the limits, and links that leave the
    // folder only when followed through other links.
    PathTree tree = new PathTree("package folder " + pkgdir);
    out.forEach(tree::add);
    tree.checkLinks();
    return out;
  }

  /** The sha256 of a file as lowercase hex; the same as {@link FileOps#sha256(Path)}. */
  public static String sha256(Path file) throws IOException {
    return FileOps.sha256(file);
  }

  /** A fresh SHA-256 digest; the same as {@link FileOps#sha256Digest()}. */
  public static MessageDigest sha256Digest() {
    return FileOps.sha256Digest();
  }

  private static String rel(Path root, Path p) {
    return root.relativize(p).toString().replace('\\', '/');
  }

  private static byte[] fileListJson(List<FileEntry> files) throws IOException {
    ObjectNode o = JSON.createObjectNode();
    ArrayNode arr = o.putArray("files");
    files.forEach(f -> arr.add(f.toJson()));
    return JSON.writeValueAsString(o).getBytes(StandardCharsets.UTF_8);
  }

  private static void putBytes(TarArchiveOutputStream tar, String name, byte[] data, Date mtime)
      throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(data.length);
    normalise(e, 0644, mtime);
    tar.putArchiveEntry(e);
    tar.write(data);
    tar.closeArchiveEntry();
  }

  private static void normalise(TarArchiveEntry e, int mode, Date mtime) {
    int type = e.isDirectory() ? 0040000 : e.isSymbolicLink() ? 0120000 : 0100000;
    e.setMode(type | mode);
    e.setModTime(mtime);
    e.setUserId(0);
    e.setGroupId(0);
    e.setUserName("root");
    e.setGroupName("root");
  }
}
