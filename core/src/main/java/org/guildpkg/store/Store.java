package org.guildpkg.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.guildpkg.GuildException;
import org.guildpkg.GuildPackage;
import org.guildpkg.archive.ArchiveReader;
import org.guildpkg.archive.FileEntry;
import org.guildpkg.archive.Manifest;
import org.guildpkg.archive.PackageFormat;
import org.guildpkg.io.FileOps;
import org.guildpkg.io.PathLock;
import org.guildpkg.spec.PackageName;
import org.guildpkg.spec.Requirement;
import org.guildpkg.spec.Version;
import org.guildpkg.spec.VersionConstraint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local store of installed packages under a Guild home folder.
 *
 * <p>Layout (see {@link HomeLayout}): {@code packages/NAME/VERSION/} holds a package's files plus
 * {@code .MANIFEST.json} and {@code .FILES.json}; {@code tmp/} holds the store's work folders;
 * {@code lock} is the lock file. Every change is made in a work folder under {@code tmp/} and
 * committed by one rename, under {@link #lock()}, so concurrent JVMs and a {@code kill -9} at any
 * instant leave each package fully installed or absent. Reading ({@link #installed()},
 * {@link #find}) takes no lock. Package builds work in {@code builds/}, not in {@code tmp/}: see
 * {@link BuildDirs}.
 *
 * <pre>{@code
 * Store store = Store.open(home);
 * GuildPackage pkg = store.install(Path.of("demo-1.0.pkg.tar.zst"));
 * try (Store.Lock l = store.lock()) { store.install(newer); store.uninstall(old, ...); }
 * }</pre>
 */
public final class Store {
  private static final Logger LOG = LoggerFactory.getLogger(Store.class);
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final HomeLayout layout;
  private final Path home;
  private final Path packages;
  private final Path tmp;
  private final PathLock homeLock;

  /** The store's lock, held from {@link #lock()} until closed; reentrant, per thread. */
  public interface Lock extends AutoCloseable {
    /** Releases this hold of the lock. */
    @Override
    void close();
  }

  private Store(HomeLayout layout) {
    this.layout = layout;
    this.home = layout.root();
    this.packages = layout.packages();
    this.tmp = layout.tmp();
    this.homeLock = PathLock.of(layout.lock());
  }

  /** Opens the store in the home folder {@code home}; see {@link #open(HomeLayout)}. */
  public static Store open(Path home) {
    return open(HomeLayout.of(home));
  }

  /**
   * Opens the store of a home, creating its layout, and removes what runs that died left behind:
   * the store's work folders in {@code tmp/} when no process holds the store's lock (every store
   * change holds it while its work folder exists), and the work folders of builds that no longer
   * run ({@link BuildDirs#sweep}).
   *
   * @throws GuildException when the folders cannot be created
   */
  public static Store open(HomeLayout layout) {
    Store s = new Store(layout.create());
    // Not while this thread holds the (reentrant) lock: its own work folder would go.
    if (!s.homeLock.isHeldByCurrentThread() && s.homeLock.tryAcquire()) {
      try {
        s.cleanTmp();
      } finally {
        s.homeLock.release();
      }
    }
    BuildDirs.sweep(layout);
    return s;
  }

  /** The home folder this store lives in. */
  public Path home() {
    return home;
  }

  /** The layout of the home this store lives in. */
  public HomeLayout layout() {
    return layout;
  }

  /** The folder that holds {@code NAME/VERSION/} of every installed package. */
  public Path packagesDir() {
    return packages;
  }

  /** The folder a package of this name and version is (or would be) installed in. */
  public Path packageDir(PackageName name, Version version) {
    return layout.packageDir(name, version);
  }

  /**
   * Takes the store's lock (blocking until other JVMs and threads release it). Reentrant: hold it
   * across several changes, such as installing a new version and removing the old one, and close
   * it on the same thread.
   */
  public Lock lock() {
    PathLock.Hold hold = homeLock.hold();
    return hold::close;
  }

  /**
   * Makes a fresh work folder under {@code tmp/}, for callers that hold {@link #lock()}; it is
   * deleted by the next {@link #open} if left behind.
   */
  public Path newWorkDir(String purpose) {
    requireLock();
    try {
      return Files.createTempDirectory(tmp, purpose.replaceAll("[^A-Za-z0-9._+-]", "_") + "-");
    } catch (IOException e) {
      throw new GuildException("cannot create a work folder in " + tmp + ": " + GuildException.reason(e), e);
    }
  }

  /** Installs a package archive with default options; see {@link #install(Path, InstallOptions)}. */
  public GuildPackage install(Path archive) {
    return install(archive, InstallOptions.defaults());
  }

  /**
   * Checks and installs a package archive, committing it atomically into
   * {@code packages/NAME/VERSION}.
   *
   * <p>Installing the same name and version again with an identical manifest and file list does
   * nothing and returns the installed package. The archive's file name is not checked against its
   * manifest (downloads and copies rename files; the manifest is what the file list and hashes
   * vouch for); callers that know what they asked for pass {@link InstallOptions#expecting}.
   *
   * <p>With {@link InstallOptions#replacing()} an installed package of the same name and version
   * is replaced instead: the archive is extracted and checked in full first, and the old copy goes
   * only then, so a bad archive leaves it as it was.
   *
   * @throws GuildException naming the archive when it is unsafe or corrupt, when another package
   *     of the same name and version is installed (unless replacing), or when one of its
   *     {@code requires} is not installed; the store is unchanged then
   */
  public GuildPackage install(Path archive, InstallOptions options) {
    if (options.checksum().isEmpty()) {
      try (Lock l = lock(); ArchiveReader reader = ArchiveReader.open(archive)) {
        return install(archive, reader, options, () -> {});
      }
    }
    // Hash the file before any parser reads it (and without the lock); then hash its raw bytes
    // again on the way into the extractor, and commit only when they match. Any other failure of
    // a file that does not match is reported as the checksum mismatch it is.
    ChecksummedInput raw = ChecksummedInput.open(archive, options.checksum().get());
    try (Lock l = lock(); ArchiveReader reader = ArchiveReader.open(archive, raw)) {
      return install(archive, reader, options, raw::verify);
    } catch (GuildException e) {
      throw raw.matches() ? e : raw.mismatch(e);
    } finally {
      raw.closeFile();
    }
  }

  private GuildPackage install(Path archive, ArchiveReader reader, InstallOptions options, Runnable verifyArchive) {
    Manifest m = reader.manifest();
    String id = m.name() + "@" + m.version();
    checkExpected(archive, m, options);
    warnOnOddFileName(archive, m);
    Path dest = packageDir(m.name(), m.version());
    Optional<GuildPackage> present = read(dest);
    if (present.isPresent() && !options.replace()) {
      if (present.get().manifest().toJson().equals(m.toJson())
          && readFileList(dest).equals(reader.files())) {
        LOG.debug("{} is already installed with the same content; nothing to do", id);
        return present.get();
      }
      throw new GuildException("cannot install " + archive + ": " + id
          + " is already installed with different content at " + dest
          + "; uninstall it first ('guild uninstall " + id + "')");
    }
    for (Requirement r : m.requires()) {
      if (find(r).isEmpty()) {
        throw new GuildException("cannot install " + id + " from " + archive + ": it requires '"
            + r + "', which is not installed; install that first");
      }
    }
    Path work = newWorkDir("install-" + m.id());
    try (WrittenFiles written = new WrittenFiles()) {
      Path staged = work.resolve("pkg");
      Files.createDirectory(staged);
      LOG.debug("extracting {} from {} into {}", id, archive, staged);
      SafeExtractor.extract(reader, staged, options.progress(), written);
      verifyArchive.run();
      writeJson(staged.resolve(PackageFormat.MANIFEST), m.toJson());
      writeJson(staged.resolve(PackageFormat.FILES), fileListJson(reader.files()));
      written.submitSync(staged.resolve(PackageFormat.MANIFEST));
      written.submitSync(staged.resolve(PackageFormat.FILES));
      submitDirectories(staged, written);
      written.await();
      Files.createDirectories(dest.getParent());
      if (Files.exists(dest, LinkOption.NOFOLLOW_LINKS)) {
        // A reinstall: the new copy is complete and checked; swap it in by two renames under the
        // lock. A crash between them leaves the package absent (never half-written), and the next
        // open sweeps the old copy from tmp/.
        Path old = work.resolve("old");
        Files.move(dest, old, StandardCopyOption.ATOMIC_MOVE);
        try {
          Files.move(staged, dest, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
          Files.move(old, dest, StandardCopyOption.ATOMIC_MOVE);
          throw e;
        }
        LOG.debug("replaced {} in {}", id, dest);
      } else {
        Files.move(staged, dest, StandardCopyOption.ATOMIC_MOVE);
      }
      FileOps.syncFolder(dest.getParent());
      LOG.debug("installed {} into {}", id, dest);
      return new GuildPackage(m, dest);
    } catch (IOException e) {
      throw new GuildException("cannot install " + id + " from " + archive + " into " + dest
          + ": " + e.getMessage(), e);
    } finally {
      FileOps.deleteQuietly(work);
    }
  }

  /**
   * Records that {@code name} follows the mirror label {@code label} (empty: follows none), for
   * {@code guild upgrade}; see {@link FollowedLabels}.
   */
  public void followLabel(PackageName name, Optional<String> label) {
    try (Lock l = lock()) {
      FollowedLabels.write(layout, name, label);
    }
  }

  /** The mirror label {@code name} follows, if it was installed through one. */
  public Optional<String> followedLabel(PackageName name) {
    return FollowedLabels.of(layout, name);
  }

  /** Every installed package, sorted by name and then version. */
  public List<GuildPackage> installed() {
    List<GuildPackage> out = new ArrayList<>();
    for (Path nameDir : list(packages)) {
      if (PackageName.isValid(nameDir.getFileName().toString())) {
        out.addAll(installedIn(nameDir));
      }
    }
    return out;
  }

  /** Every installed version of {@code name}, oldest first. */
  public List<GuildPackage> installed(PackageName name) {
    return installedIn(packages.resolve(name.value()));
  }

  /** The highest installed version that satisfies {@code requirement}. */
  public Optional<GuildPackage> find(Requirement requirement) {
    return installed(requirement.name()).stream()
        .filter(p -> requirement.constraint().test(p.version()))
        .max(Comparator.comparing(GuildPackage::version));
  }

  /** The installed package of exactly this name and version. */
  public Optional<GuildPackage> get(PackageName name, Version version) {
    return read(packageDir(name, version));
  }

  /**
   * Removes one installed version of {@code name}, or every installed version when
   * {@code version} is empty.
   *
   * @return the packages removed
   * @throws GuildException when nothing matches, or (unless {@code force}) when another installed
   *     package requires what would be removed and nothing left would satisfy it
   */
  public List<GuildPackage> uninstall(PackageName name, Optional<Version> version, boolean force) {
    VersionConstraint c = version.map(VersionConstraint::exactly).orElse(VersionConstraint.ANY);
    return uninstall(List.of(new Requirement(name, c)), force);
  }

  /**
   * Removes every installed version matching any of {@code targets} in one step (so that
   * packages requiring only each other can go together).
   *
   * @return the packages removed
   * @throws GuildException naming a target that matches nothing, or (unless {@code force}) the
   *     installed package that requires one being removed; nothing is removed then
   */
  public List<GuildPackage> uninstall(Collection<Requirement> targets, boolean force) {
    try (Lock l = lock()) {
      Set<GuildPackage> doomed = new LinkedHashSet<>();
      for (Requirement t : targets) {
        List<GuildPackage> hits = installed(t.name()).stream()
            .filter(p -> t.constraint().test(p.version())).toList();
        if (hits.isEmpty()) {
          throw new GuildException("cannot uninstall " + describe(t) + ": it is not installed in "
              + home + " ('guild list' shows what is)");
        }
        doomed.addAll(hits);
      }
      if (!force) {
        List<GuildPackage> remaining = installed().stream().filter(p -> !doomed.contains(p)).toList();
        for (GuildPackage p : remaining) {
          for (Requirement r : p.manifest().requires()) {
            boolean affected = doomed.stream().anyMatch(d -> d.name().equals(r.name()));
            boolean stillMet = remaining.stream()
                .anyMatch(q -> q.name().equals(r.name()) && r.constraint().test(q.version()));
            if (affected && !stillMet) {
              GuildPackage victim = doomed.stream()
                  .filter(d -> d.name().equals(r.name())).findFirst().orElseThrow();
              throw new GuildException("cannot uninstall " + victim + ": " + p + " requires '" + r
                  + "'; uninstall " + p.name() + " too, or use --force");
            }
          }
        }
      }
      List<GuildPackage> removed = new ArrayList<>();
      for (GuildPackage p : doomed) {
        remove(p);
        removed.add(p);
        if (installed(p.name()).isEmpty()) {
          FollowedLabels.write(layout, p.name(), Optional.empty());
        }
      }
      return removed;
    }
  }

  /**
   * Re-hashes the files of installed packages and compares them with their file lists; the
   * store's own {@code .MANIFEST.json} and {@code .FILES.json} are not compared.
   *
   * @param names the packages to check (every installed version of each); empty for all
   * @throws GuildException naming a package that is not installed
   */
  public VerifyReport verify(Collection<PackageName> names) {
    List<GuildPackage> pkgs = new ArrayList<>();
    if (names.isEmpty()) {
      pkgs.addAll(installed());
    } else {
      for (PackageName n : new TreeSet<>(names)) {
        List<GuildPackage> found = installed(n);
        if (found.isEmpty()) {
          throw new GuildException("cannot verify " + n + ": it is not installed in " + home);
        }
        pkgs.addAll(found);
      }
    }
    List<VerifyReport.PackageResult> results = new ArrayList<>();
    for (GuildPackage p : pkgs) {
      try {
        VerifyReport.PackageResult r = verifyOne(p);
        if (stillInstalled(p)) {
          results.add(r);
        }
      } catch (GuildException e) {
        if (stillInstalled(p)) {
          throw e;
        }
      }
      // else: uninstalled (or upgraded away) while we looked, which is no damage; skip it
    }
    return new VerifyReport(results);
  }

  private static boolean stillInstalled(GuildPackage p) {
    return Files.exists(p.path().resolve(PackageFormat.MANIFEST), LinkOption.NOFOLLOW_LINKS);
  }

  private VerifyReport.PackageResult verifyOne(GuildPackage p) {
    Path root = p.path();
    Map<String, FileEntry> declared = new TreeMap<>();
    readFileList(root).forEach(f -> declared.put(f.path(), f));
    // Every folder that holds a declared entry, computed once (not per folder met).
    java.util.Set<String> holders = new java.util.HashSet<>();
    for (String path : declared.keySet()) {
      for (int i = path.lastIndexOf('/'); i > 0 && holders.add(path.substring(0, i));
          i = path.lastIndexOf('/', i - 1)) {
        // each ancestor once: stop at the first already known
      }
    }
    List<String> changed = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (FileEntry f : declared.values()) {
      Path file = root.resolve(f.path());
      if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        missing.add(f.path());
      } else if (!matches(f, file)) {
        changed.add(f.path());
      }
    }
    List<String> extra = new ArrayList<>();
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
          if (dir.equals(root)) {
            return FileVisitResult.CONTINUE;
          }
          String rel = rel(root, dir);
          FileEntry f = declared.get(rel);
          if (f == null && !holders.contains(rel)) {
            extra.add(rel);
            return FileVisitResult.SKIP_SUBTREE;
          }
          return f == null || f.kind() == FileEntry.Kind.DIRECTORY
              ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          String rel = rel(root, file);
          if (!declared.containsKey(rel) && !rel.equals(PackageFormat.MANIFEST)
              && !rel.equals(PackageFormat.FILES)) {
            extra.add(rel);
          }
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new GuildException("cannot verify " + p + " in " + root + ": " + GuildException.reason(e), e);
    }
    extra.sort(null);
    return new VerifyReport.PackageResult(p, changed, missing, extra);
  }

  private static boolean matches(FileEntry f, Path file) {
    try {
      return switch (f.kind()) {
        case DIRECTORY -> Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS);
        case SYMLINK -> Files.isSymbolicLink(file)
            && Files.readSymbolicLink(file).toString().equals(f.linkTarget().orElse(""));
        case FILE -> Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
            && Files.size(file) == f.size()
            && FileOps.sha256(file).equals(f.sha256());
      };
    } catch (IOException e) {
      return false;
    }
  }

  private void remove(GuildPackage p) {
    Path work = newWorkDir("remove-" + p.manifest().id());
    try {
      // One rename takes the package out of the store; deleting the files may then take its time.
      Files.move(p.path(), work.resolve("pkg"), StandardCopyOption.ATOMIC_MOVE);
      FileOps.syncFolder(p.path().getParent());
      LOG.debug("uninstalled {} from {}", p, p.path());
      try {
        Files.deleteIfExists(p.path().getParent());
      } catch (IOException notEmpty) {
        // other versions are still installed
      }
    } catch (IOException e) {
      throw new GuildException("cannot uninstall " + p + " from " + p.path() + ": " + GuildException.reason(e), e);
    } finally {
      FileOps.deleteQuietly(work);
    }
  }

  private List<GuildPackage> installedIn(Path nameDir) {
    List<GuildPackage> out = new ArrayList<>();
    for (Path versionDir : list(nameDir)) {
      if (Version.isValid(versionDir.getFileName().toString())) {
        read(versionDir).ifPresent(out::add);
      }
    }
    out.sort(Comparator.comparing(GuildPackage::version));
    return out;
  }

  private static Optional<GuildPackage> read(Path dir) {
    Path manifest = dir.resolve(PackageFormat.MANIFEST);
    try {
      JsonNode json = JSON.readTree(Files.readAllBytes(manifest));
      return Optional.of(new GuildPackage(Manifest.fromJson(json, manifest.toString()), dir));
    } catch (NoSuchFileException e) {
      return Optional.empty(); // not installed, or uninstalled while we looked
    } catch (IOException e) {
      throw new GuildException("cannot read " + manifest + ": " + GuildException.reason(e)
          + "; the store is damaged, " + repairHint(dir), e);
    }
  }

  private static List<FileEntry> readFileList(Path dir) {
    Path file = dir.resolve(PackageFormat.FILES);
    try {
      List<FileEntry> out = new ArrayList<>();
      JSON.readTree(Files.readAllBytes(file)).path("files")
          .forEach(f -> out.add(FileEntry.fromJson(f, file.toString())));
      return out;
    } catch (IOException e) {
      throw new GuildException("cannot read " + file + ": " + GuildException.reason(e)
          + "; the store is damaged, " + repairHint(dir), e);
    }
  }

  /** The repair of a damaged package folder {@code packages/NAME/VERSION}, as a command. */
  private static String repairHint(Path dir) {
    return "repair it with 'guild install --reinstall " + dir.getParent().getFileName() + "@"
        + dir.getFileName() + "'";
  }

  private static ObjectNode fileListJson(List<FileEntry> files) {
    ObjectNode o = JSON.createObjectNode();
    ArrayNode arr = o.putArray("files");
    files.forEach(f -> arr.add(f.toJson()));
    return o;
  }

  private static void writeJson(Path file, JsonNode json) throws IOException {
    Files.write(file, JSON.writeValueAsBytes(json), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
  }

  private static void checkExpected(Path archive, Manifest m, InstallOptions options) {
    boolean nameOk = options.expectedName().map(n -> n.equals(m.name())).orElse(true);
    boolean versionOk = options.expectedVersion().map(v -> v.equals(m.version())).orElse(true);
    if (!nameOk || !versionOk) {
      throw new GuildException("cannot install " + archive + ": it holds " + m.name() + "@"
          + m.version() + " but " + options.expectedName().map(Object::toString).orElse(m.name().value())
          + "@" + options.expectedVersion().map(Object::toString).orElse(m.version().value())
          + " was expected; the archive or its source is wrong");
    }
  }

  private static void warnOnOddFileName(Path archive, Manifest m) {
    String file = archive.getFileName().toString();
    for (String suffix : List.of(PackageFormat.ZST_SUFFIX, PackageFormat.GZ_SUFFIX)) {
      if (file.endsWith(suffix) && !file.equals(m.id() + suffix)) {
        LOG.warn("{} holds {}@{}; its file name suggests otherwise", archive, m.name(), m.version());
      }
    }
  }

  private void requireLock() {
    if (!homeLock.isHeldByCurrentThread()) {
      throw new IllegalStateException("take Store.lock() before changing the store in " + home);
    }
  }

  private void cleanTmp() {
    for (Path p : list(tmp)) {
      LOG.debug("removing leftover {} of an interrupted run", p);
      FileOps.deleteQuietly(p);
    }
    // A run killed between creating packages/NAME and the commit's rename leaves it empty.
    for (Path nameDir : list(packages)) {
      if (Files.isDirectory(nameDir, LinkOption.NOFOLLOW_LINKS) && list(nameDir).isEmpty()) {
        try {
          Files.deleteIfExists(nameDir);
        } catch (IOException e) {
          LOG.debug("cannot remove empty {}: {}", nameDir, e.toString());
        }
      }
    }
  }

  private static String describe(Requirement r) {
    List<VersionConstraint.Term> t = r.constraint().terms();
    if (t.size() == 1 && t.get(0).op().equals("=")) {
      return r.name() + "@" + t.get(0).version();
    }
    return r.toString();
  }

  private static String rel(Path root, Path p) {
    return root.relativize(p).toString().replace('\\', '/');
  }

  private static List<Path> list(Path dir) {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      ds.forEach(out::add);
    } catch (NoSuchFileException e) {
      return out;
    } catch (IOException e) {
      throw new GuildException("cannot list " + dir + ": " + GuildException.reason(e), e);
    }
    out.sort(null);
    return out;
  }

  /** Hands every folder of the tree to {@code written}, so that their entries reach the disk too. */
  private static void submitDirectories(Path root, WrittenFiles written) throws IOException {
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        written.submitSync(dir);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
