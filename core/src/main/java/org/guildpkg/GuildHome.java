package org.guildpkg;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.guildpkg.archive.PackageFormat;
import org.guildpkg.install.PackageManager;
import org.guildpkg.mirror.MirrorConfig;
import org.guildpkg.mirror.Mirrors;
import org.guildpkg.mirror.Search;
import org.guildpkg.spec.PackageName;
import org.guildpkg.spec.PackageType;
import org.guildpkg.spec.Requirement;
import org.guildpkg.store.InstallOptions;
import org.guildpkg.store.ProgressListener;
import org.guildpkg.store.Store;
import org.guildpkg.store.VerifyReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Guild home folder seen from a program: load, install, uninstall and list its packages.
 * {@link GuildPackages#at(Path)} makes one; {@link GuildPackages}' static methods use the default
 * home.
 *
 * <pre>{@code
 * GuildHome guild = GuildPackages.at(Path.of("/srv/guild")).offline(true);
 * GuildPackage model = guild.load("fashion-mnist-convnet+fashion-mnist>=1.0");
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe; the store is opened on first use.
 */
public final class GuildHome {
  private static final Logger LOG = LoggerFactory.getLogger(GuildHome.class);
  private final Path home;
  private final boolean offline;
  private volatile Store store;

  GuildHome(Path home, boolean offline) {
    if (home == null) {
      throw new IllegalArgumentException("home is required");
    }
    this.home = home.toAbsolutePath().normalize();
    this.offline = offline;
  }

  /** The home folder. */
  public Path home() {
    return home;
  }

  /** True when this home makes no network call at all. */
  public boolean offline() {
    return offline;
  }

  /** A copy of this home that makes no network call when {@code offline} is true. */
  public GuildHome offline(boolean offline) {
    return new GuildHome(home, offline);
  }

  /** The local store of this home, for programs that need its finer API. */
  public Store store() {
    Store s = store;
    if (s == null) {
      synchronized (this) {
        if (store == null) {
          store = Store.open(home);
        }
        s = store;
      }
    }
    return s;
  }

  /**
   * The installed package that best satisfies {@code spec} ({@code NAME}, {@code NAME@1.2},
   * {@code NAME>=1.0}): the highest installed version that matches. When none is installed and
   * this home is not offline, the package and its requires are installed from the configured
   * mirrors first.
   *
   * @throws GuildException naming the spec and the home when no installed version matches and no
   *     mirror can provide one
   */
  public GuildPackage load(String spec) {
    Requirement r = Requirement.parse(spec);
    Optional<GuildPackage> installed = store().find(r);
    if (installed.isPresent()) {
      return installed.get();
    }
    if (!offline && !MirrorConfig.load(home).mirrors().isEmpty()) {
      return packageManager().install(List.of(r)).get(0);
    }
    throw new GuildException(
        "package '" + spec.trim() + "' is not installed in " + home + installedHint(r.name())
            + "; install it with 'guild install " + spec.trim() + "'"
            + (offline ? " (offline: no mirror was asked)" : " after 'guild mirror add NAME URL'"));
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
    return store().find(Requirement.parse(spec));
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
    return install(ProgressListener.NONE, Arrays.asList(specs));
  }

  /** Like {@link #install(String...)}, reporting extraction progress to {@code progress}. */
  public List<GuildPackage> install(ProgressListener progress, List<String> specs) {
    List<GuildPackage> out = new ArrayList<>();
    for (String spec : specs) {
      if (!isArchivePath(spec)) {
        out.addAll(packageManager().extractProgress(progress).installSpecs(List.of(spec)));
        continue;
      }
      out.add(store().install(Path.of(spec), InstallOptions.defaults().withProgress(progress)));
    }
    return out;
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
   * A package manager over this home's store and configured mirrors (warnings logged through
   * SLF4J), for programs that need its finer API.
   */
  public PackageManager packageManager() {
    return new PackageManager(store(), new Mirrors(home, offline, LOG::warn));
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
    return "GuildHome[" + home + (offline ? ", offline" : "") + "]";
  }
}
