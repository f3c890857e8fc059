package org.guildpkg.store;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.guildpkg.GuildException;
import org.guildpkg.GuildPackage;
import org.guildpkg.archive.PackageFormat;
import org.guildpkg.io.FileOps;
import org.guildpkg.io.PathLock;

/**
 * The caches of a Guild home ({@code cache/}: downloaded archives, GuildPkg sources, mirror
 * indexes, transfer-learning features): what they hold and how to make them smaller, as pacman's
 * {@code -Sc} and {@code hf cache prune} do.
 *
 * <p>{@link #clean(boolean)} removes downloaded archives that belong to no installed package
 * (with {@code all}, every cached file) and never touches installed packages, a download or an
 * install in progress (each holds the lock of its archive, {@code NAME-VERSION.pkg.tar.zst.lock},
 * which the clean must take first), or the source cache while a package build runs (the clean
 * holds {@code builds/.lock}, so none starts meanwhile, and skips the sources when any build's
 * lock is held), or the features of a parent model and dataset that a transfer-learning run is
 * reading or computing (it holds {@code cache/features/PARENT/DATASET.lock}). Lock files stay: removing a lock file that another process has open would let
 * two processes hold "the" lock.
 *
 * <pre>{@code
 * HomeCache cache = HomeCache.of(store);
 * long before = cache.entries().stream().mapToLong(HomeCache.Entry::bytes).sum();
 * HomeCache.Cleaned c = cache.clean(false);
 * }</pre>
 */
public final class HomeCache {
  private static final String LOCK = ".lock";
  private static final String PART = ".part";

  private final HomeLayout layout;
  private final Set<String> installedArchives;

  private HomeCache(HomeLayout layout, Set<String> installedArchives) {
    this.layout = layout;
    this.installedArchives = installedArchives;
  }

  /** The caches of {@code store}'s home, knowing which archives its installed packages came from. */
  public static HomeCache of(Store store) {
    Set<String> names = new HashSet<>();
    for (GuildPackage p : store.installed()) {
      String id = p.manifest().id();
      names.add(id + PackageFormat.ZST_SUFFIX);
      names.add(id + PackageFormat.GZ_SUFFIX);
    }
    return new HomeCache(store.layout(), Set.copyOf(names));
  }

  /** What a cache holds. */
  public enum Kind {
    /** An archive downloaded from a mirror (or a partial download, {@code .part}). */
    DOWNLOAD,
    /** A GuildPkg source: a downloaded file or a bare Git clone. */
    SOURCE,
    /** A mirror's cached index, signature or search digest. */
    INDEX,
    /** The image features of one dataset as computed by one parent model (transfer learning). */
    FEATURES
  }

  /**
   * One cached file or folder.
   *
   * @param kind what it is
   * @param path where it is
   * @param bytes its size (a folder's: the sum of its files)
   * @param installed true for a downloaded archive of an installed package
   */
  public record Entry(Kind kind, Path path, long bytes, boolean installed) {}

  /**
   * What a clean did.
   *
   * @param removed the entries deleted
   * @param kept the entries left, each with why
   */
  public record Cleaned(List<Entry> removed, List<Kept> kept) {
    /** The bytes freed. */
    public long bytesFreed() {
      return removed.stream().mapToLong(Entry::bytes).sum();
    }
  }

  /** An entry a clean left, and why ("installed", "in use by a download or install", ...). */
  public record Kept(Entry entry, String reason) {}

  /** Every cached entry: downloads, then sources, indexes and features, each sorted by path. */
  public List<Entry> entries() {
    List<Entry> out = new ArrayList<>();
    for (Path p : children(layout.downloadCache())) {
      String n = p.getFileName().toString();
      if (!n.endsWith(LOCK)) {
        out.add(new Entry(Kind.DOWNLOAD, p, size(p), installedArchives.contains(n)));
      }
    }
    for (Path urlDir : children(layout.sourceCache())) {
      if (!Files.isDirectory(urlDir, LinkOption.NOFOLLOW_LINKS)) {
        out.add(new Entry(Kind.SOURCE, urlDir, size(urlDir), false));
        continue;
      }
      for (Path p : children(urlDir)) {
        out.add(new Entry(Kind.SOURCE, p, size(p), false));
      }
    }
    for (Path p : children(layout.indexCache())) {
      out.add(new Entry(Kind.INDEX, p, size(p), false));
    }
    for (Path parent : children(layout.featureCache())) {
      if (Files.isDirectory(parent, LinkOption.NOFOLLOW_LINKS)) {
        for (Path p : children(parent)) {
          if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            out.add(new Entry(Kind.FEATURES, p, size(p), false));
          }
        }
      }
    }
    return out;
  }

  /**
   * Removes downloaded archives of packages that are not installed, or with {@code all} every
   * cached file (downloads, sources, indexes, features); see the class comment for what is never
   * touched.
   *
   * @throws GuildException when a file cannot be deleted
   */
  public Cleaned clean(boolean all) {
    List<Entry> removed = new ArrayList<>();
    List<Kept> kept = new ArrayList<>();
    List<Entry> entries = entries();
    for (Entry e : entries) {
      if (e.kind() != Kind.DOWNLOAD) {
        continue;
      }
      if (e.installed() && !all) {
        kept.add(new Kept(e, "installed"));
        continue;
      }
      String n = e.path().getFileName().toString();
      String archive = n.endsWith(PART) ? n.substring(0, n.length() - PART.length()) : n;
      deleteUnlessLocked(e, PathLock.of(e.path().resolveSibling(archive + LOCK)),
          "in use by a download or an install", removed, kept);
    }
    if (all) {
      cleanSources(entries, removed, kept);
      for (Entry e : entries) {
        if (e.kind() == Kind.INDEX) {
          delete(e, removed);
        } else if (e.kind() == Kind.FEATURES) {
          deleteUnlessLocked(e, featuresLock(e.path()), "in use by a transfer-learning run", removed, kept);
        }
      }
    }
    return new Cleaned(List.copyOf(removed), List.copyOf(kept));
  }

  /** Deletes {@code e} holding {@code lock}, or keeps it with {@code reason} when someone else holds it. */
  private void deleteUnlessLocked(Entry e, PathLock lock, String reason, List<Entry> removed, List<Kept> kept) {
    if (lock.isHeldByCurrentThread() || !lock.tryAcquire()) {
      kept.add(new Kept(e, reason));
      return;
    }
    try {
      delete(e, removed);
    } finally {
      lock.release();
    }
  }

  /**
   * The lock a transfer-learning run holds while it reads or computes the features in {@code
   * folder} ({@code cache/features/PARENT/DATASET}): {@code PARENT/DATASET.lock}.
   */
  public static PathLock featuresLock(Path folder) {
    return PathLock.of(folder.resolveSibling(folder.getFileName() + LOCK));
  }

  /** Deletes the source entries unless a package build runs; none may start meanwhile. */
  private void cleanSources(List<Entry> entries, List<Entry> removed, List<Kept> kept) {
    List<Entry> sources = entries.stream().filter(e -> e.kind() == Kind.SOURCE).toList();
    if (sources.isEmpty()) {
      return;
    }
    PathLock guard = PathLock.of(layout.builds().resolve(LOCK));
    if (!guard.tryAcquire()) {
      sources.forEach(e -> kept.add(new Kept(e, "a package build is starting")));
      return;
    }
    try {
      Optional<Path> running = runningBuild();
      if (running.isPresent()) {
        sources.forEach(e -> kept.add(new Kept(e, "a package build is running ("
            + running.get().getFileName() + ")")));
        return;
      }
      for (Entry e : sources) {
        delete(e, removed);
      }
    } finally {
      guard.release();
    }
  }

  /** The lock file of a running build, if any (a build holds {@code builds/ID.lock} while it runs). */
  private Optional<Path> runningBuild() {
    for (Path p : children(layout.builds())) {
      String n = p.getFileName().toString();
      if (!n.endsWith(LOCK) || n.equals(LOCK)) {
        continue;
      }
      PathLock owner = PathLock.of(p);
      if (owner.isHeldByCurrentThread() || !owner.tryAcquire()) {
        return Optional.of(p);
      }
      owner.release();
    }
    return Optional.empty();
  }

  private static void delete(Entry e, List<Entry> removed) {
    try {
      if (Files.isDirectory(e.path(), LinkOption.NOFOLLOW_LINKS)) {
        FileOps.deleteTree(e.path());
      } else {
        Files.deleteIfExists(e.path());
      }
      removed.add(e);
    } catch (IOException ex) {
      throw new GuildException("cannot delete " + e.path() + ": " + GuildException.reason(ex), ex);
    }
  }

  private static List<Path> children(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      s.forEach(out::add);
    } catch (IOException e) {
      throw new GuildException("cannot list " + dir + ": " + GuildException.reason(e), e);
    }
    out.sort(null);
    return out;
  }

  private static long size(Path p) {
    long[] total = {0};
    try {
      Files.walkFileTree(p, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          total[0] += attrs.size();
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new GuildException("cannot read " + p + ": " + GuildException.reason(e), e);
    }
    return total[0];
  }
}
