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
import org.guildpkg.spec.LabelSpec;
import org.guildpkg.spec.PackageName;
import org.guildpkg.spec.Version;
import org.guildpkg.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds package archives to a mirror and moves its labels: uploads each archive, then writes the
 * index with a higher serial, then its signature.
 *
 * <p>Publishing a name and version that the mirror has with other content is refused before
 * anything is written; the same content is a no-op. When the mirror's transport has a publishing
 * lock ({@code file://}: the lock file {@code .lock}) the whole update holds it, so that two
 * publishers at once keep each other's entries. On an HTTP mirror the files are sent with
 * {@code PUT} (WebDAV); concurrent publishers to one HTTP mirror are not coordinated.
 *
 * <pre>{@code
 * PublishResult r = Publisher.publish(List.of(archive), URI.create("file:///srv/mirror/"),
 *     Optional.of(SigningKeys.readPrivate(keyFile)));
 * }</pre>
 */
public final class Publisher {
  private static final Logger LOG = LoggerFactory.getLogger(Publisher.class);

  /** How many times a conditional write is tried against other publishers before giving up. */
  private static final int CONFLICT_ATTEMPTS = 20;

  private Publisher() {}

  /**
   * What a publish did: the entries it added, those already there, the label changes it made
   * (not those already so), and the index's serial now.
   */
  public record PublishResult(List<IndexEntry> added, List<IndexEntry> unchanged,
      List<LabelChange> labelled, long serial) {}

  /**
   * One change of a mirror label: {@code label} names {@code version} of {@code name} from now
   * on, or no version of it when {@code version} is empty.
   */
  public record LabelChange(String label, PackageName name, Optional<Version> version) {
    /** Checks the label and that every part is present. */
    public LabelChange {
      LabelSpec.checkLabel(label);
      if (name == null || version == null) {
        throw new IllegalArgumentException("name and version are required");
      }
    }

    @Override
    public String toString() {
      return label + ": " + name + version.map(v -> " -> " + v).orElse(" removed");
    }
  }

  /**
   * Publishes {@code archives} to the mirror at {@code mirror}.
   *
   * @param key signs the new index when present; without it, publishing to a signed mirror is
   *     refused (the old signature would no longer match)
   * @throws GuildException naming the archive, the package version or the URL at fault; the
   *     mirror's index is then unchanged
   */
  public static PublishResult publish(List<Path> archives, URI mirror, Optional<PrivateKey> key) {
    Map<String, Prepared> prepared = prepare(archives);
    return publish(prepared, List.of(), Transport.of(MirrorSpec.parseUrl(mirror.toString()), false), key);
  }

  /**
   * Publishes {@code archives} through a transport made by the caller (with the mirror's
   * credentials, say); otherwise as {@link #publish(List, URI, Optional)}.
   */
  public static PublishResult publish(List<Path> archives, Transport t, Optional<PrivateKey> key) {
    return publish(archives, List.of(), t, key);
  }

  /**
   * Publishes {@code archives} as {@link #publish(List, Transport, Optional)} does and, in the
   * same signed index update, points each of {@code labels} at every published package's version.
   */
  public static PublishResult publish(List<Path> archives, List<String> labels, Transport t, Optional<PrivateKey> key) {
    Map<String, Prepared> prepared = prepare(archives);
    List<LabelChange> changes = new ArrayList<>();
    for (String label : labels) {
      for (Prepared p : prepared.values()) {
        changes.add(new LabelChange(label, p.entry.name(), Optional.of(p.entry.version())));
      }
    }
    return publish(prepared, changes, t, key);
  }

  /**
   * Changes labels of the mirror behind {@code t} by a signed index update (a higher serial, a new
   * signature), uploading nothing; a change that is already so is left out of the result.
   *
   * @throws GuildException naming the label, package and mirror when a change names a version the
   *     mirror's index does not list, or the mirror is signed and {@code key} is absent; the index
   *     is then unchanged
   */
  public static PublishResult label(Transport t, List<LabelChange> changes, Optional<PrivateKey> key) {
    if (changes.isEmpty()) {
      throw new GuildException("no label changes to publish");
    }
    return publish(new LinkedHashMap<>(), changes, t, key);
  }

  private static Map<String, Prepared> prepare(List<Path> archives) {
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
    return prepared;
  }

  private static PublishResult publish(Map<String, Prepared> prepared, List<LabelChange> labels,
      Transport t, Optional<PrivateKey> key) {
    List<Prepared> items = new ArrayList<>(prepared.values());
    if (t.capabilities().contains(Transport.Capability.LOCK)) {
      try (Transport.MirrorLock ignored = t.lock()) {
        return update(t, items, labels, key);
      }
    }
    if (t.capabilities().contains(Transport.Capability.CONDITIONAL_WRITES)) {
      return updateConditionally(t, items, labels, key);
    }
    LOG.debug("{} has no publishing lock: concurrent publishers are not coordinated", t.base());
    return update(t, items, labels, key);
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

  /** What a publish must do given the index as it is now, and the index it then writes. */
  private record Plan(MirrorIndex current, List<Prepared> toUpload, List<IndexEntry> unchanged,
      List<LabelChange> labelled, MirrorIndex next) {
    List<IndexEntry> added() {
      return toUpload.stream().map(Prepared::entry).toList();
    }

    boolean nothingToDo() {
      return toUpload.isEmpty() && labelled.isEmpty();
    }

    PublishResult result() {
      return nothingToDo()
          ? new PublishResult(List.of(), unchanged, List.of(), current.serial())
          : new PublishResult(added(), unchanged, labelled, next.serial());
    }
  }

  private static Plan plan(Transport t, Optional<byte[]> indexBytes, List<Prepared> items,
      List<LabelChange> labels, Optional<PrivateKey> key) {
    String where = t.resolve(MirrorIndex.FILE).toString();
    MirrorIndex current = indexBytes.map(b -> MirrorIndex.parse(b, where)).orElse(MirrorIndex.empty());
    if (key.isEmpty() && t.get(MirrorIndex.SIGNATURE_FILE, MirrorIndex.MAX_SIGNATURE_BYTES).isPresent()) {
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
    MirrorIndex next = current.with(toUpload.stream().map(Prepared::entry).toList(), current.serial() + 1);
    List<LabelChange> labelled = new ArrayList<>();
    for (LabelChange c : labels) {
      if (next.label(c.label(), c.name()).equals(c.version())) {
        continue; // already so
      }
      if (c.version().isPresent() && next.find(c.name(), c.version().get()).isEmpty()) {
        throw new GuildException("cannot point label '" + c.label() + "' at " + c.name() + "@"
            + c.version().get() + ": mirror " + t.base() + " does not have it (versions: "
            + next.versions(c.name()).stream().map(e -> e.version().value()).reduce((a, b) -> a + ", " + b)
                .orElse("none") + ")");
      }
      if (c.version().isEmpty() && next.label(c.label(), c.name()).isEmpty()) {
        throw new GuildException("cannot remove label '" + c.label() + "' from " + c.name()
            + ": mirror " + t.base() + " has no such label on it (labels: " + labelNames(next) + ")");
      }
      next = next.withLabel(c.label(), c.name(), c.version());
      labelled.add(c);
    }
    return new Plan(current, toUpload, unchanged, labelled, next);
  }

  /** The labels of {@code index}, comma-separated, or "none". */
  static String labelNames(MirrorIndex index) {
    return index.labels().isEmpty() ? "none" : String.join(", ", index.labels().keySet());
  }

  private static void upload(Transport t, List<Prepared> items) {
    for (Prepared p : items) {
      LOG.debug("uploading {} to {}", p.archive, t.resolve(p.entry.file()));
      t.put(p.entry.file(), p.archive);
    }
  }

  /** Archives, then the index, then its signature; the caller holds the lock if there is one. */
  private static PublishResult update(Transport t, List<Prepared> items, List<LabelChange> labels,
      Optional<PrivateKey> key) {
    Plan plan = plan(t, t.get(MirrorIndex.FILE, MirrorIndex.maxBytes()), items, labels, key);
    if (plan.nothingToDo()) {
      LOG.debug("nothing new for {}", t.base());
      return plan.result();
    }
    upload(t, plan.toUpload());
    byte[] bytes = plan.next().toBytes();
    t.put(MirrorIndex.FILE, bytes);
    key.ifPresent(k -> t.put(MirrorIndex.SIGNATURE_FILE, SigningKeys.sign(k, bytes)));
    return plan.result();
  }

  /**
   * The same steps without a lock, on a transport with conditional writes: the index is replaced
   * only if it is still the version read (If-Match, or If-None-Match for a new mirror); when
   * another publisher got there first, the new index is read and the plan made again. The
   * signature is then written only if it is still the version read before checking that the index
   * is ours, so a slower publisher never puts an older signature over a newer one.
   */
  private static PublishResult updateConditionally(Transport t, List<Prepared> items,
      List<LabelChange> labels, Optional<PrivateKey> key) {
    java.util.Set<String> uploaded = new java.util.HashSet<>();
    for (int attempt = 1; ; attempt++) {
      Optional<Transport.Versioned> read = t.getVersioned(MirrorIndex.FILE, MirrorIndex.maxBytes());
      Plan plan = plan(t, read.map(Transport.Versioned::content), items, labels, key);
      if (plan.nothingToDo()) {
        return plan.result();
      }
      upload(t, plan.toUpload().stream().filter(p -> !uploaded.contains(p.entry.file())).toList());
      plan.toUpload().forEach(p -> uploaded.add(p.entry.file()));
      byte[] bytes = plan.next().toBytes();
      if (t.putIf(MirrorIndex.FILE, bytes, read.map(Transport.Versioned::tag))) {
        key.ifPresent(k -> signIfStillCurrent(t, bytes, SigningKeys.sign(k, bytes)));
        return plan.result();
      }
      if (attempt == CONFLICT_ATTEMPTS) {
        throw new GuildException("cannot publish to mirror " + t.base() + ": its index changed under "
            + CONFLICT_ATTEMPTS + " attempts in a row (other publishers); try again");
      }
      LOG.debug("index of {} changed meanwhile (attempt {}); reading it again", t.base(), attempt);
      pause(attempt);
    }
  }

  private static void signIfStillCurrent(Transport t, byte[] index, byte[] signature) {
    for (int attempt = 1; attempt <= CONFLICT_ATTEMPTS; attempt++) {
      // The signature's version first, then the index: see updateConditionally.
      Optional<String> sigTag = t.getVersioned(MirrorIndex.SIGNATURE_FILE, MirrorIndex.MAX_SIGNATURE_BYTES)
          .map(Transport.Versioned::tag);
      Optional<byte[]> now = t.get(MirrorIndex.FILE, MirrorIndex.maxBytes());
      if (now.isEmpty() || !java.util.Arrays.equals(now.get(), index)) {
        LOG.debug("a later publisher replaced the index of {}; its signature is theirs to write", t.base());
        return;
      }
      if (t.putIf(MirrorIndex.SIGNATURE_FILE, signature, sigTag)) {
        return;
      }
    }
    throw new GuildException("cannot sign the index of mirror " + t.base() + ": its signature kept"
        + " changing under " + CONFLICT_ATTEMPTS + " attempts (other publishers); publish again to re-sign");
  }

  private static void pause(int attempt) {
    try {
      Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(10, 50L * Math.min(attempt, 8)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GuildException("interrupted while publishing", e);
    }
  }
}
