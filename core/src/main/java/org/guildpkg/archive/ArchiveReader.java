package org.guildpkg.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.guildpkg.GuildException;

/**
 * Reads a package archive ({@link PackageFormat}): its manifest and file list first, then,
 * for an extractor, the stream of data entries.
 *
 * <p>Tar headers pass a {@link TarHeaderGuard} before Commons Compress sees them, so metadata
 * bombs are refused unread; every failure is a one-line {@link GuildException}.
 *
 * <p>Both {@code .pkg.tar.zst} and {@code .pkg.tar.gz} are read; the compression is told by the
 * file's first bytes, not its name. This class checks the archive's structure only; checking
 * entries against the file list and writing them safely is the store's work.
 *
 * <pre>{@code
 * try (ArchiveReader r = ArchiveReader.open(path)) {
 *   Manifest m = r.manifest();
 *   for (TarArchiveEntry e; (e = r.nextDataEntry()) != null; ) { ... r.stream() ... }
 * }
 * }</pre>
 */
public final class ArchiveReader implements Closeable {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Bound on the manifest and file list, so that a hostile archive cannot exhaust memory. */
  private static final long MAX_METADATA_BYTES = 64L << 20;

  private final Path path;
  private final TarArchiveInputStream tar;
  private final Manifest manifest;
  private final List<FileEntry> files;

  private ArchiveReader(Path path, TarArchiveInputStream tar, Manifest manifest, List<FileEntry> files) {
    this.path = path;
    this.tar = tar;
    this.manifest = manifest;
    this.files = files;
  }

  /**
   * Opens an archive and reads its manifest and file list.
   *
   * @throws GuildException naming the archive when it is missing, not a package archive, or its
   *     metadata is malformed
   */
  public static ArchiveReader open(Path archive) {
    if (!Files.isRegularFile(archive)) {
      throw new GuildException("archive " + archive + " does not exist");
    }
    try {
      return open(archive, Files.newInputStream(archive));
    } catch (IOException e) {
      throw new GuildException(archive + ": not a readable package archive: " + GuildException.reason(e), e);
    }
  }

  /**
   * Opens an archive from a stream of its raw (compressed) bytes, such as one that hashes them
   * on the way, and reads its manifest and file list; {@code archive} names it in messages.
   * Closing the reader (or a failure here) closes {@code raw}.
   *
   * @throws GuildException naming the archive when it is not a package archive or its metadata
   *     is malformed
   */
  public static ArchiveReader open(Path archive, InputStream raw) {
    InputStream in = raw;
    try {
      in = decompressed(archive, raw);
      TarArchiveInputStream tar = new TarArchiveInputStream(new TarHeaderGuard(in));
      JsonNode manifestJson = readJsonEntry(tar, PackageFormat.MANIFEST, archive);
      Manifest manifest = Manifest.fromJson(manifestJson, archive.toString());
      JsonNode filesJson = readJsonEntry(tar, PackageFormat.FILES, archive);
      List<FileEntry> files = new ArrayList<>();
      JsonNode arr = filesJson.path("files");
      if (!arr.isArray()) {
        throw new GuildException(archive + ": " + PackageFormat.FILES + " has no 'files' list");
      }
      arr.forEach(f -> files.add(FileEntry.fromJson(f, archive.toString())));
      return new ArchiveReader(archive, tar, manifest, List.copyOf(files));
    } catch (IOException e) {
      closeQuietly(in);
      throw new GuildException(archive + ": not a readable package archive: " + GuildException.reason(e), e);
    } catch (GuildException e) {
      closeQuietly(in);
      throw e;
    } catch (RuntimeException e) {
      // Commons Compress and the decompressors throw unchecked exceptions on some corruptions.
      closeQuietly(in);
      throw new GuildException(archive + ": not a readable package archive: " + GuildException.reason(e), e);
    }
  }

  /** Reads only the manifest of an archive (for publishing and {@code guild info FILE}). */
  public static Manifest readManifest(Path archive) {
    try (ArchiveReader r = open(archive)) {
      return r.manifest();
    }
  }

  /** The archive's path. */
  public Path path() {
    return path;
  }

  /** The package's manifest. */
  public Manifest manifest() {
    return manifest;
  }

  /** The package's file list, as the archive declares it. */
  public List<FileEntry> files() {
    return files;
  }

  /**
   * The next data entry, or {@code null} at the end; its content is {@link #stream()} until the
   * next call. Entry names keep the {@link PackageFormat#DATA_PREFIX}; an entry without it is an
   * error.
   */
  public TarArchiveEntry nextDataEntry() {
    try {
      TarArchiveEntry e = tar.getNextEntry();
      if (e != null && !e.getName().startsWith(PackageFormat.DATA_PREFIX)) {
        throw new GuildException(path + ": unexpected entry '" + e.getName() + "' outside data/");
      }
      return e;
    } catch (IOException | RuntimeException e) {
      if (e instanceof GuildException ge) {
        throw ge;
      }
      throw new GuildException(path + ": corrupt archive: " + GuildException.reason(e), e);
    }
  }

  /** The content of the current data entry. */
  public InputStream stream() {
    return tar;
  }

  @Override
  public void close() {
    closeQuietly(tar);
  }

  private static InputStream decompressed(Path archive, InputStream raw) throws IOException {
    BufferedInputStream in = new BufferedInputStream(raw, 1 << 17);
    in.mark(4);
    byte[] magic = in.readNBytes(4);
    in.reset();
    if (magic.length == 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5
        && (magic[2] & 0xff) == 0x2f && (magic[3] & 0xff) == 0xfd) {
      return new BufferedInputStream(new ZstdInputStream(in), 1 << 16);
    }
    if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
      return new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
    }
    in.close();
    throw new GuildException(archive + ": not a package archive (neither zstd nor gzip)");
  }

  private static JsonNode readJsonEntry(TarArchiveInputStream tar, String name, Path archive)
      throws IOException {
    TarArchiveEntry e = tar.getNextEntry();
    if (e == null || !e.getName().equals(name)) {
      throw new GuildException(
          archive + ": expected entry " + name + " but found "
              + (e == null ? "the end of the archive" : "'" + e.getName() + "'"));
    }
    if (e.getSize() > MAX_METADATA_BYTES) {
      throw new GuildException(archive + ": " + name + " is larger than " + MAX_METADATA_BYTES + " bytes");
    }
    byte[] data = tar.readNBytes((int) e.getSize());
    try {
      return JSON.readTree(data);
    } catch (IOException ex) {
      throw new GuildException(archive + ": " + name + " is not valid JSON: " + ex.getMessage(), ex);
    }
  }

  private static void closeQuietly(Closeable c) {
    if (c != null) {
      try {
        c.close();
      } catch (IOException ignored) {
        // nothing more to do with a stream we are abandoning
      }
    }
  }
}
