package org.guildpkg;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.guildpkg.build.PackageBuilder;
import org.guildpkg.archive.PackageFormat;
import org.guildpkg.install.PackageManager;
import org.guildpkg.mirror.MirrorConfig;
import org.guildpkg.mirror.Mirrors;
import org.guildpkg.mirror.Search;
import org.guildpkg.spec.LabelSpec;
import org.guildpkg.spec.PackageName;
import org.guildpkg.spec.PackageType;
import org.guildpkg.spec.Requirement;
import org.guildpkg.store.HomeLayout;
import org.guildpkg.store.InstallOptions;
import org.guildpkg.store.ProgressListener;
import org.guildpkg.store.Store;
import org.guildpkg.store.VerifyReport;

/**
 * One Guild home folder seen from a program, and the one way in to it: load, install, uninstall,
 * list, search, build, and the finer parts (store, package manager, mirrors) wired to the home's
 * {@link HomeLayout} and to the front end's callbacks ({@link FrontEnd}: progress, notes,
 * warnings). {@link GuildPackages#at(Path)} gives one; {@link GuildPackages}' static methods use
 * the default home. The {@code guild} CLI goes through a {@code GuildHome} alone.
 *
 * <pre>{@code
 * GuildHome guild = GuildPackages.at(Path.of("/srv/guild")).offline(true);
 * GuildPackage model = guild.load("fashion-mnist-convnet+fashion-mnist>=1.0");
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe. Every instance on the same folder in a JVM shares
 * one store, opened (and swept of what dead runs left) once, on first use; {@link #offline} and
 * {@link #frontEnd} give views that differ only in those settings.
 */
public final class GuildHome {
  private static final ConcurrentMap<Path, Owner> OWNERS = new ConcurrentHashMap<>();

  private final Owner owner;
  private final boolean offline;
  private final FrontEnd frontEnd;

  /** What every view of one home folder shares in this JVM: its layout and its store. */
  private static final class Owner {
    private final HomeLayout layout;
    private Store store;

    Owner(HomeLayout layout) {
      this.layout = layout;
    }

    synchronized Store store() {
      // Reopen when the folder was removed meanwhile (a test, a user clearing ~/.guild).
      if (store == null || !Files.isDirectory(layout.tmp())) {
        store = Store.open(layout);
      }
      return store;
    }
  }

  GuildHome(Path home, boolean offline) {
    this(owner(home), offline, FrontEnd.LOG);
  }

  private GuildHome(Owner owner, boolean offline, FrontEnd frontEnd) {
    this.owner = owner;
    this.offline = offline;
    this.frontEnd = frontEnd;
  }

  private static Owner owner(Path home) {
    if (home == null) {
      throw new IllegalArgumentException("home is required");
    }
    HomeLayout layout = HomeLayout.of(home);
    return OWNERS.computeIfAbsent(layout.root(), r -> new Owner(layout));
  }

  /** The home folder. */
  public Path home() {
    return owner.layout.root();
  }

  /** Where things live in this home. */
  public HomeLayout layout() {
    return owner.layout;
  }

  /** True when this home makes no network call at all. */
  public boolean offline() {
    return offline;
  }

  /** A view of this home that makes no network call when {@code offline} is true. */
  public GuildHome offline(boolean offline) {
    return new GuildHome(owner, offline, frontEnd);
  }

  /** The front end this view reports to ({@link FrontEnd#LOG} unless set). */
  public FrontEnd frontEnd() {
    return frontEnd;
  }

  /** A view of this home that reports progress, notes and warnings to {@code frontEnd}. */
  public GuildHome frontEnd(FrontEnd frontEnd) {
    if (frontEnd == null) {
      throw new IllegalArgumentException("frontEnd is required");
    }
    return new GuildHome(owner, offline, frontEnd);
  }

  /** The local store of this home, for programs that need its finer API. */
  public Store store() {
    return owner.store();
  }

  /**
   * The installed package that best satisfies {@code spec} ({@code NAME}, {@code NAME@1.2},
   * {@code NAME==1.2}, {@code NAME>=1.0}, or {@code NAME@LABEL} for the version a mirror label
   * such as {@code stable} names): the highest installed version that matches. When none is
   * installed and this home is not offline, the package and its requires are installed from the
   * configured mirrors first.
   *
   * @throws GuildException naming the spec and the home when no installed version matches and no
   *     mirror can provide one
   */
  public GuildPackage load(String spec) {
    Requirement r = requirement(spec);
    Optional<GuildPackage> installed = store().find(r);
    if (installed.isPresent()) {
      return installed.get();
    }
    if (!offline && !mirrorConfig().mirrors().isEmpty()) {
      return packageManager().install(List.of(r)).get(0);
    }
    throw new GuildException(
        "package '" + spec.trim() + "' is not installed in " + home() + installedHint(r.name())
            + "; install it with 'guild install " + spec.trim() + "'"
            + (offline ? " (offline: no mirror was asked)" : " after 'guild mirror add NAME URL'"));
  }

  /**
   * Like {@link #load(String)}, reporting the download and install of what it installs to
   * {@code progress} (bytes done of bytes in all per step), as DJL's {@code optProgress} does;
   * nothing is reported when the package is installed already.
   */
  public GuildPackage load(String spec, LoadProgress progress) {
    if (progress == null) {
      throw new IllegalArgumentException("progress is required");
    }
    return withProgress(label -> (done, total) -> progress.progress(label, done, total)).load(spec);
  }

  /**
   * Resolves a command's SPEC: an existing folder (a package folder or a bare one), an archive
   * (installed into this home first), or an installed package ({@code NAME},
   * {@code NAME@VERSION}, {@code "NAME>=1.0"}, installed from the mirrors when absent, as
   * {@link #load} does). See {@link PackageFolder}.
   *
   * @throws GuildException naming the SPEC when it names no folder, archive or package
   */
  public PackageFolder resolve(String spec) {
    return PackageFolder.resolve(this, spec);
  }

  /** The highest installed version satisfying {@code spec}, if any; never installs anything. */
  public Optional<GuildPackage> find(String spec) {
    return store().find(requirement(spec));
  }

  /**
   * Reads a package spec; a {@code NAME@LABEL} spec becomes the exact version the label names in
   * the index of the first configured mirror that has the package (its cached index when offline).
   *
   * @throws GuildException for a bad spec or a label the mirror lacks (naming the labels it has)
   */
  public Requirement requirement(String spec) {
    return LabelSpec.parse(spec).isPresent()
        ? packageManager().resolveSpec(spec).requirement()
        : Requirement.parse(spec);
  }

  /**
   * Installs packages, in the order given: an archive path ({@code NAME-VERSION.pkg.tar.zst}) goes
   * straight to the store (list required packages first); a spec ({@code NAME},
   * {@code NAME@1.2}, {@code NAME>=1.0}) is resolved with its requires and installed from the
   * configured mirrors.
   *
   * @return the installed packages, one per spec
   * @throws GuildException for an archive that cannot be installed, or a spec no mirror can
   *     satisfy
   */
  public List<GuildPackage> install(String... specs) {
    return install(Arrays.asList(specs));
  }

  /**
   * Like {@link #install(String...)}: downloads and extractions report progress to this view's
   * front end, labelled with the archive's file name.
   */
  public List<GuildPackage> install(List<String> specs) {
    return install(specs, false);
  }

  /**
   * Like {@link #install(List)}; with {@code reinstall}, each named package is fetched again (or
   * read from the archive given) and replaces its installed copy atomically, as {@code guild
   * install --reinstall} does: a failed reinstall leaves the old copy as it was. See
   * {@link PackageManager#install(List, boolean)}.
   */
  public List<GuildPackage> install(List<String> specs, boolean reinstall) {
    List<GuildPackage> out = new ArrayList<>();
    for (String spec : specs) {
      if (!isArchivePath(spec)) {
        out.addAll(packageManager().installSpecs(List.of(spec), reinstall));
        continue;
      }
      Path archive = Path.of(spec);
      InstallOptions options = InstallOptions.defaults()
          .withProgress(frontEnd.progress(archive.getFileName().toString()));
      out.add(store().install(archive, reinstall ? options.replacing() : options));
    }
    return out;
  }

  /**
   * Like {@link #install(String...)}, reporting extraction progress to {@code progress} instead
   * of the front end's.
   */
  public List<GuildPackage> install(ProgressListener progress, List<String> specs) {
    return withProgress(label -> progress).install(specs);
  }

  /** A view whose progress goes to {@code progress} by label, notes and warnings as this one's. */
  private GuildHome withProgress(java.util.function.Function<String, ProgressListener> progress) {
    return frontEnd(new FrontEnd() {
      @Override
      public ProgressListener progress(String label) {
        return progress.apply(label);
      }

      @Override
      public void note(String line) {
        frontEnd.note(line);
      }

      @Override
      public void warning(String line) {
        frontEnd.warning(line);
      }
    });
  }

  /**
   * Removes installed packages: {@code NAME} removes every installed version, {@code NAME@1.2}
   * one version.
   *
   * @param force remove even when other installed packages require them
   * @return the packages removed
   * @throws GuildException naming a spec that is not installed, or the package that still requires
   *     one (unless {@code force}); nothing is removed then
   */
  public List<GuildPackage> uninstall(boolean force, String... specs) {
    List<Requirement> targets = new ArrayList<>();
    for (String s : specs) {
      targets.add(Requirement.parse(s));
    }
    return store().uninstall(targets, force);
  }

  /**
   * Moves packages to the newest versions the mirrors offer; an old version is removed only after
   * the new one is committed. See {@link PackageManager#upgrade}.
   *
   * @param names installed packages to upgrade; none for all
   */
  public List<PackageManager.Upgrade> upgrade(String... names) {
    return packageManager().upgrade(Arrays.stream(names).map(PackageName::of).toList());
  }

  /**
   * Finds packages on the configured mirrors: a case-insensitive match of {@code term} on name,
   * description and tags (empty for all), optionally of one type; the newest version of each.
   */
  public List<Search.Hit> search(String term, Optional<PackageType> type) {
    return packageManager().search(Optional.ofNullable(term).filter(t -> !t.isBlank()), type);
  }

  /**
   * A package manager over this home's store and configured mirrors, reporting downloads,
   * extractions, notes and warnings to this view's front end, for programs that need its finer API.
   */
  public PackageManager packageManager() {
    return new PackageManager(store(), mirrors())
        .downloadProgress(downloadProgress())
        .extractProgress(frontEnd.progress("extracting"))
        .notes(frontEnd::note);
  }

  /** The configured mirrors of this home, warning through the front end. */
  public Mirrors mirrors() {
    return new Mirrors(layout(), offline, frontEnd::warning);
  }

  /** The mirror configuration of this home ({@code config}), to read or change. */
  public MirrorConfig mirrorConfig() {
    return MirrorConfig.load(layout());
  }

  /**
   * A builder for the package folder {@code dir} working in this home (its source cache and
   * build folders), offline when this view is, with progress lines going to the front end's notes.
   */
  public PackageBuilder packageBuilder(Path dir) {
    return PackageBuilder.forDirectory(dir).home(home()).offline(offline).progress(frontEnd::note);
  }

  /** Draws each download on the front end's progress, labelled by the file's name. */
  private org.guildpkg.transport.ProgressListener downloadProgress() {
    return new org.guildpkg.transport.ProgressListener() {
      private ProgressListener bar = ProgressListener.NONE;
      private long done;
      private long total;

      @Override
      public void start(String label, long already, long size) {
        bar = frontEnd.progress(label.substring(label.lastIndexOf('/') + 1));
        done = already;
        total = size;
      }

      @Override
      public void advance(long bytes) {
        done += bytes;
        if (total > 0) {
          bar.progress(done, total);
        }
      }
    };
  }

  /** Every installed package, sorted by name and version. */
  public List<GuildPackage> list() {
    return store().installed();
  }

  /**
   * Re-hashes installed files against their file lists.
   *
   * @param names packages to check; none for all
   */
  public VerifyReport verify(String... names) {
    return store().verify(Arrays.stream(names).map(PackageName::of).toList());
  }

  /**
   * True when {@code spec} names an archive file rather than a package: it ends with
   * {@code .pkg.tar.zst} or {@code .pkg.tar.gz}, or is an existing file.
   */
  public static boolean isArchivePath(String spec) {
    return spec.endsWith(PackageFormat.ZST_SUFFIX) || spec.endsWith(PackageFormat.GZ_SUFFIX)
        || spec.contains("/") || Files.isRegularFile(Path.of(spec));
  }

  private String installedHint(PackageName name) {
    List<String> versions = store().installed(name).stream().map(p -> p.version().value()).toList();
    return versions.isEmpty() ? "" : " (installed versions: " + String.join(", ", versions) + ")";
  }

  @Override
  public String toString() {
    return "GuildHome[" + home() + (offline ? ", offline" : "") + "]";
  }
}
