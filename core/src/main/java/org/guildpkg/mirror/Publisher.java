package org.guildpkg.mirror;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.guildpkg.GuildException;
import org.guildpkg.archive.ArchiveReader;
import org.guildpkg.archive.ArchiveWriter;
import org.guildpkg.archive.Manifest;
import org.guildpkg.archive.PackageFormat;
import org.guildpkg.io.PathLock;
import org.guildpkg.transport.FileTransport;
import org.guildpkg.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds package archives to a mirror: uploads each archive, then writes the index with a higher
 * serial, then its signature.
 *
 * <p>Publishing a name and version that the mirror has with other content is refused before
 * anything is written; the same content is a no-op. On a {@code file://} mirror the whole update
 * holds the mirror's lock file ({@code .lock}), so that two publishers at once keep each other's
 * entries; files are written to a temporary name and renamed. On an HTTP mirror the files are
 * sent with {@code PUT} (WebDAV); concurrent publishers to one HTTP mirror are not coordinated.
 *
 * <pre>{@code
 * PublishResult r = Publisher.publish(List.of(archive), URI.create("file:///srv/mirror/"),
 *     Optional.of(SigningKeys.readPrivate(keyFile)));
 * }</pre>
 */
public final class Publisher {
  private static final Logger LOG = LoggerFactory.getLogger(Publisher.class);

  private Publisher() {}

  /** What a publish did: the entries it added, those already there, and the index's serial now. */
  public record PublishResult(List<IndexEntry> added, List<IndexEntry> unchanged, long serial) {}

  /**
   * Publishes {@code archives} to the mirror at {@code mirror}.
   *
   * @param key signs the new index when present; without it, publishing to a signed mirror is
   *     refused (the old signature would no longer match)
   * @throws GuildException naming the archive, the package version or the URL at fault; the
   *     mirror's index is then unchanged
   */
  public static PublishResult publish(List<Path> archives, URI mirror, Optional<PrivateKey> key) {
    if (archives.isEmpty()) {
      throw new GuildException("no archives to publish");
    }
    Map<String, Prepared> prepared = new LinkedHashMap<>();
    for (Path a : archives) {
      Prepared p = prepare(a);
      Prepared other = prepared.putIfAbsent(p.entry.manifest().id(), p);
      if (other != null && !other.entry.sha256().equals(p.entry.sha256())) {
        throw new GuildException(
            "archives " + other.archive + " and " + a + " are both " + p.entry.manifest().id()
                + " with different content; publish one of them");
      }
    }
    Transport t = Transport.of(MirrorSpec.parseUrl(mirror.toString()), false);
    if (t instanceof FileTransport ft) {
      return underLock(ft.root(), () -> update(t, new ArrayList<>(prepared.values()), key));
    }
    return update(t, new ArrayList<>(prepared.values()), key);
  }

  private record Prepared(Path archive, IndexEntry entry) {}

  private static Prepared prepare(Path archive) {
    Manifest m = ArchiveReader.readManifest(archive);
    try {
      String suffix = archive.getFileName().toString().endsWith(PackageFormat.GZ_SUFFIX)
          ? PackageFormat.GZ_SUFFIX : PackageFormat.ZST_SUFFIX;
      return new Prepared(archive, new IndexEntry(m, IndexEntry.pathFor(m, suffix),
          Files.size(archive), ArchiveWriter.sha256(archive)));
    } catch (IOException e) {
      throw new GuildException("cannot read " + archive + ": " + GuildException.reason(e), e);
    }
  }

  private static PublishResult update(Transport t, List<Prepared> items, Optional<PrivateKey> key) {
    String where = t.resolve(MirrorIndex.FILE).toString();
    MirrorIndex current = t.get(MirrorIndex.FILE).map(b -> MirrorIndex.parse(b, where))
        .orElse(MirrorIndex.empty());
    if (key.isEmpty() && t.get(MirrorIndex.SIGNATURE_FILE).isPresent()) {
      throw new GuildException(
          "mirror " + t.base() + " is signed; pass --key with its private key to publish to it");
    }
    List<Prepared> toUpload = new ArrayList<>();
    List<IndexEntry> unchanged = new ArrayList<>();
    for (Prepared p : items) {
      Optional<IndexEntry> old = current.find(p.entry.name(), p.entry.version());
      if (old.isEmpty()) {
        toUpload.add(p);
      } else if (old.get().sha256().equals(p.entry.sha256())) {
        unchanged.add(old.get());
      } else {
        throw new GuildException(
            p.entry.manifest().id() + " is already on mirror " + t.base()
                + " with other content (sha256 " + old.get().sha256() + "); published versions"
                + " never change: raise the version in GuildPkg and package again");
      }
    }
    if (toUpload.isEmpty()) {
      LOG.debug("nothing new for {}", t.base());
      return new PublishResult(List.of(), unchanged, current.serial());
    }
    for (Prepared p : toUpload) {
      LOG.debug("uploading {} to {}", p.archive, t.resolve(p.entry.file()));
      t.put(p.entry.file(), p.archive);
    }
    List<IndexEntry> added = toUpload.stream().map(Prepared::entry).toList();
    MirrorIndex next = current.with(added, current.serial() + 1);
    byte[] bytes = next.toBytes();
    t.put(MirrorIndex.FILE, bytes);
    key.ifPresent(k -> t.put(MirrorIndex.SIGNATURE_FILE, SigningKeys.sign(k, bytes)));
    return new PublishResult(added, unchanged, next.serial());
  }

  private interface Work<T> {
    T run();
  }

  private static <T> T underLock(Path root, Work<T> work) {
    try {
      Files.createDirectories(root);
    } catch (IOException e) {
      throw new GuildException("cannot lock mirror " + root + ": " + GuildException.reason(e), e);
    }
    try (PathLock.Hold ignored = PathLock.of(root.resolve(".lock")).hold()) {
      return work.run();
    }
  }
}
