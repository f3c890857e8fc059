package org.guildpkg.build;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;
import org.guildpkg.GuildException;
import org.guildpkg.archive.ArchiveWriter;
import org.guildpkg.archive.Manifest;
import org.guildpkg.archive.PackageFormat;
import org.guildpkg.io.FileOps;
import org.guildpkg.spec.GuildPkg;
import org.guildpkg.spec.Version;
import org.guildpkg.spec.Source;
import org.guildpkg.spi.PackageInspector;
import org.guildpkg.store.BuildDirs;
import org.guildpkg.store.HomeLayout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a package archive {@code NAME-VERSION.pkg.tar.zst} from a package folder (a
 * {@code GuildPkg}, usually a {@code packager}, and local files): what {@code guild package}
 * does, callable in-process.
 *
 * <pre>{@code
 * Path archive = PackageBuilder.forDirectory(dir).output(outDir).noCheck(false).home(guildHome)
 *     .build();
 * }</pre>
 *
 * <p>The steps, as makepkg's: parse and validate the GuildPkg; fetch every source and check it
 * against {@code sha256sums}, before anything runs; extract tar and zip sources into
 * {@code $srcdir} and copy the others; run the packager's {@code prepare}, {@code build},
 * {@code check} and {@code package} functions (see {@link PackagerRunner}), or, when the GuildPkg
 * names no packager, fill {@code $pkgdir} with the staged sources plus the package folder's other
 * files (everything but the GuildPkg, its listed sources and archives); run every
 * {@link PackageInspector} on {@code $pkgdir}; write the archive with {@link ArchiveWriter}.
 *
 * <p>Work happens in a folder under {@code $GUILD_HOME/builds} that the build locks for as long as
 * it runs (see {@link BuildDirs}: other commands on the same home leave it alone) and deletes
 * afterwards, whatever happens (also on interrupt or JVM shutdown); the archive is renamed into
 * place only when complete: a failed build leaves neither an archive nor temporary files.
 *
 * <p>Progress lines ({@code ==> ...}) and the packager's merged standard output and error go to
 * the sink given with {@link #progress(Consumer)}; by default they are logged at INFO through
 * SLF4J (logger {@code org.guildpkg.build.packager}). The CLI passes a sink that prints to
 * standard error, so that standard output's last line is the archive's path.
 */
public final class PackageBuilder {
  private static final Logger OUTPUT = LoggerFactory.getLogger("org.guildpkg.build.packager");

  private final Path dir;
  private Optional<Path> output = Optional.empty();
  private boolean noCheck;
  private boolean offline;
  private Optional<Path> home = Optional.empty();
  private SourceSearchPath searchPath = SourceSearchPath.fromEnvironment();
  private OptionalLong sourceDateEpoch;
  private Consumer<String> progress = OUTPUT::info;
  private Optional<Version> version = Optional.empty();

  private PackageBuilder(Path dir) {
    this.dir = dir.toAbsolutePath().normalize();
    this.sourceDateEpoch = sourceDateEpochFromEnvironment();
  }

  /** A builder for the package folder {@code dir}, which holds the {@code GuildPkg}. */
  public static PackageBuilder forDirectory(Path dir) {
    if (dir == null) {
      throw new IllegalArgumentException("dir is required");
    }
    return new PackageBuilder(dir);
  }

  /** The folder to write the archive to (default: the package folder). */
  public PackageBuilder output(Path outputDir) {
    this.output = Optional.of(outputDir.toAbsolutePath().normalize());
    return this;
  }

  /** Skips the packager's {@code check()} function when true (default false). */
  public PackageBuilder noCheck(boolean noCheck) {
    this.noCheck = noCheck;
    return this;
  }

  /** Forbids downloads when true; cached sources are still used (default false). */
  public PackageBuilder offline(boolean offline) {
    this.offline = offline;
    return this;
  }

  /**
   * The folders looked in for a URL source before downloading it (default:
   * {@code GUILD_SOURCES}); see {@link SourceSearchPath}.
   */
  public PackageBuilder sources(SourceSearchPath searchPath) {
    if (searchPath == null) {
      throw new IllegalArgumentException("searchPath is required");
    }
    this.searchPath = searchPath;
    return this;
  }

  /**
   * Guild's home folder, whose {@code cache/sources} keeps downloads and whose {@code builds}
   * holds the build's work folder (default: {@code $GUILD_HOME}, else {@code ~/.guild}).
   */
  public PackageBuilder home(Path guildHome) {
    this.home = Optional.of(guildHome.toAbsolutePath().normalize());
    return this;
  }

  /**
   * Sets the build time in seconds since the epoch, as the {@code SOURCE_DATE_EPOCH} variable
   * does (which is the default): it becomes the manifest's {@code buildDate}, the archive
   * entries' time, and is passed on to the packager.
   */
  public PackageBuilder sourceDateEpoch(long seconds) {
    this.sourceDateEpoch = OptionalLong.of(seconds);
    return this;
  }

  /**
   * Builds the package with {@code version} instead of the GuildPkg's (as {@code guild package
   * --run ID --version X} does for a training run, whose GuildPkg says source version + run
   * number). The packager sees it as {@code pkgver}. An archive of the same name and version
   * already in the output folder is kept when it is identical and refused when it differs, so a
   * chosen version never silently names two different packages.
   */
  public PackageBuilder version(Version version) {
    if (version == null) {
      throw new IllegalArgumentException("version is required");
    }
    this.version = Optional.of(version);
    return this;
  }

  /** Where progress lines and the packager's output go, line by line (default: SLF4J). */
  public PackageBuilder progress(Consumer<String> lines) {
    this.progress = lines == null ? OUTPUT::info : lines;
    return this;
  }

  /**
   * Builds the archive.
   *
   * @return the archive's path, {@code OUTPUT/NAME-VERSION.pkg.tar.zst}
   * @throws GuildException with one line naming what failed and where; nothing is left behind
   */
  public Path build() {
    GuildPkg pkg = withVersion(GuildPkg.parse(dir.resolve("GuildPkg")));
    HomeLayout layout = layout();
    Path home = layout.root();
    Path out = output.orElse(pkg.folder());
    BuildDirs.sweep(layout); // what builds that died left behind
    BuildDirs.BuildDir workDir = BuildDirs.create(layout, "build-" + pkg.name());
    Path work = workDir.path();
    WorkCleanup workCleanup = new WorkCleanup(workDir);
    Thread cleanup = new Thread(workCleanup::stop, "guild-package-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    try {
      Path srcdir = Files.createDirectory(work.resolve("src"));
      Path pkgdir = work.resolve("pkg");
      progress.accept("==> Making package: " + pkg.name() + " " + pkg.version());
      progress.accept("==> Retrieving and verifying sources...");
      List<SourceFetcher.Fetched> fetched = fetcher(layout).fetchAll(pkg, true);
      progress.accept("==> Extracting sources...");
      for (SourceFetcher.Fetched f : fetched) {
        checkInterrupted();
        if (f.commit().isPresent()) {
          GitSource.checkout(pkg, f.file(), f.commit().get(), srcdir.resolve(f.source().fileName()));
        } else {
          SourceExtractor.stage(f.file(), f.source().fileName(), srcdir);
        }
      }
      if (pkg.packager().isPresent()) {
        Files.createDirectory(pkgdir);
        Path packager = pkg.folder().resolve(pkg.packager().get());
        new PackagerRunner(packager, pkg.folder(), srcdir, environment(pkg, home, work), progress)
            .watchedBy(workCleanup::running).run(noCheck, work);
      } else {
        progress.accept("==> No packager: packing the sources and the package folder's files");
        for (SourceFetcher.Fetched f : fetched) {
          if (f.commit().isPresent()) {
            FileOps.deleteTree(srcdir.resolve(f.source().fileName()).resolve(".git"));
          }
        }
        Files.move(srcdir, pkgdir);
        copyFolderFiles(pkg, out, pkgdir);
      }
      checkInterrupted();
      Manifest manifest = manifest(pkg);
      ObjectNode data = manifest.interfaceData().deepCopy();
      for (PackageInspector inspector : PackageInspector.all()) {
        inspector.inspect(manifest, pkgdir, data);
      }
      manifest = manifest.withInterfaceData(data);
      checkInterrupted();
      progress.accept("==> Writing " + PackageFormat.fileName(manifest) + "...");
      Path archive = version.isPresent()
          ? writeUnlessDifferent(manifest, pkgdir, out, work)
          : ArchiveWriter.write(manifest, pkgdir, out, sourceDateEpoch.orElse(0L));
      progress.accept("==> Finished making: " + pkg.name() + " " + pkg.version());
      return archive;
    } catch (IOException e) {
      throw new GuildException("cannot build " + pkg.name() + " in " + work + ": " + e, e);
    } finally {
      workCleanup.close();
      try {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs anyway
      }
    }
  }

  private GuildPkg withVersion(GuildPkg pkg) {
    return version.map(v -> new GuildPkg(pkg.file(), pkg.name(), v, pkg.type(), pkg.description(),
        pkg.tags(), pkg.license(), pkg.requires(), pkg.sources(), pkg.sha256sums(), pkg.packager(),
        pkg.references(), pkg.lines())).orElse(pkg);
  }

  /** Writes the archive beside, then keeps an identical one in {@code out} or refuses a different one. */
  private Path writeUnlessDifferent(Manifest manifest, Path pkgdir, Path out, Path work) throws IOException {
    Path fresh = ArchiveWriter.write(manifest, pkgdir, work.resolve("out"), sourceDateEpoch.orElse(0L));
    Path target = out.resolve(fresh.getFileName().toString());
    if (Files.exists(target)) {
      if (ArchiveWriter.sha256(target).equals(ArchiveWriter.sha256(fresh))) {
        return target;
      }
      throw new GuildException("refusing to overwrite " + target + ": it is a different " + manifest.name()
          + "@" + manifest.version() + "; choose another --version, or move that archive away");
    }
    Files.createDirectories(out);
    Files.move(fresh, target); // no REPLACE_EXISTING: one appearing meanwhile is not overwritten either
    return target;
  }

  /**
   * Fetches every source and computes its sha256, for {@code guild package --gen-checksums}:
   * one entry per source, in order. Builds nothing.
   */
  public List<String> checksums() {
    GuildPkg pkg = GuildPkg.parse(dir.resolve("GuildPkg"));
    List<String> sums = new ArrayList<>();
    for (SourceFetcher.Fetched f : fetcher(layout()).fetchAll(pkg, false)) {
      sums.add(f.checksum());
    }
    return sums;
  }

  /** The {@code sha256sums = \} block to paste into a GuildPkg, one checksum per line. */
  public static String checksumsBlock(List<String> sums) {
    if (sums.isEmpty()) {
      return "sha256sums =";
    }
    return "sha256sums = \\\n    " + String.join(" \\\n    ", sums);
  }

  private SourceFetcher fetcher(HomeLayout layout) {
    return new SourceFetcher(layout.sourceCache(), searchPath, offline, progress);
  }

  private HomeLayout layout() {
    return HomeLayout.of(home.orElseGet(org.guildpkg.GuildPackages::defaultHome));
  }

  private Map<String, String> environment(GuildPkg pkg, Path home, Path work) {
    Path bin = PackagerRunner.writeGuildWrapper(work.resolve("bin"));
    Map<String, String> env = new HashMap<>();
    env.put("srcdir", work.resolve("src").toString());
    env.put("pkgdir", work.resolve("pkg").toString());
    env.put("startdir", pkg.folder().toString());
    env.put("pkgname", pkg.name().value());
    env.put("pkgver", pkg.version().value());
    env.put("GUILD_HOME", home.toString());
    String path = System.getenv("PATH");
    env.put("PATH", bin + (path == null || path.isEmpty() ? "" : ":" + path));
    sourceDateEpoch.ifPresent(s -> env.put("SOURCE_DATE_EPOCH", Long.toString(s)));
    return env;
  }

  private Manifest manifest(GuildPkg pkg) {
    Optional<String> buildDate = sourceDateEpoch.isPresent()
        ? Optional.of(Instant.ofEpochSecond(sourceDateEpoch.getAsLong()).toString())
        : Optional.empty();
    return new Manifest(pkg.name(), pkg.version(), pkg.type(), pkg.description(), pkg.tags(),
        pkg.license(), pkg.requires(), pkg.sources(), pkg.sha256sums(), pkg.packager(),
        pkg.references(), buildDate, null);
  }

  /**
   * Copies the package folder's files into {@code pkgdir}, leaving out the GuildPkg, its local
   * sources (already staged), archives and their temporary files, and the output folder.
   */
  private static void copyFolderFiles(GuildPkg pkg, Path out, Path pkgdir) throws IOException {
    Path root = pkg.folder();
    Set<Path> skip = new HashSet<>();
    skip.add(pkg.file());
    for (String s : pkg.sources()) {
      Source.parse(s).localPath().ifPresent(p -> skip.add(root.resolve(p)));
    }
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs)
          throws IOException {
        if (!d.equals(root) && d.equals(out)) {
          return FileVisitResult.SKIP_SUBTREE;
        }
        Files.createDirectories(pkgdir.resolve(root.relativize(d).toString()));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
        String n = f.getFileName().toString();
        boolean archive = n.endsWith(PackageFormat.ZST_SUFFIX) || n.endsWith(PackageFormat.GZ_SUFFIX)
            || (n.startsWith(".") && n.endsWith(".tmp"));
        if (skip.contains(f) || archive) {
          return FileVisitResult.CONTINUE;
        }
        // Checked before anything opens the file: opening a FIFO would wait for a writer forever.
        if (!attrs.isRegularFile() && !attrs.isSymbolicLink()) {
          throw new GuildException("package folder " + root + ": '" + root.relativize(f)
              + "' is not a regular file, folder or link (a FIFO, socket or device); packages"
              + " hold only those, so remove it or name a packager");
        }
        {
          Files.copy(f, pkgdir.resolve(root.relativize(f).toString()),
              StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES,
              LinkOption.NOFOLLOW_LINKS);
        }
        return FileVisitResult.CONTINUE;
      }
    });
  }

  private static OptionalLong sourceDateEpochFromEnvironment() {
    String v = System.getenv("SOURCE_DATE_EPOCH");
    if (v == null || v.isBlank()) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(v.strip()));
    } catch (NumberFormatException e) {
      throw new GuildException("SOURCE_DATE_EPOCH='" + v + "' is not a number of seconds since"
          + " 1970-01-01; unset it or give an integer");
    }
  }

  private static void checkInterrupted() {
    if (Thread.currentThread().isInterrupted()) {
      throw new GuildException("interrupted; no archive was written");
    }
  }

  /**
   * The one place that ends a build: stops the packager's whole process tree first (its
   * children before it, so none is re-parented and left running), then deletes the work folder,
   * one deleter at a time, whether the build ends, fails, or the JVM is stopped (SIGTERM,
   * Ctrl-C) meanwhile.
   */
  private static final class WorkCleanup {
    private final BuildDirs.BuildDir dir;
    private volatile Process process;
    private boolean deleted;

    WorkCleanup(BuildDirs.BuildDir dir) {
      this.dir = dir;
    }

    void running(Process p) {
      process = p;
    }

    private void stopPackager() {
      Process p = process;
      if (p != null && p.isAlive()) {
        PackagerRunner.destroyTree(p);
      }
    }

    /** From the shutdown hook: stop the packager, then delete the folder. */
    synchronized void stop() {
      stopPackager();
      if (!deleted) {
        FileOps.deleteQuietly(dir.path());
        deleted = true;
      }
    }

    /** From the building thread: as {@link #stop()}, and release the folder's lock. */
    synchronized void close() {
      stopPackager();
      dir.close();
      deleted = true;
    }
  }
}
