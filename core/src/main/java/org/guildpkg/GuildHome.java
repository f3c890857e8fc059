package org.guildpkg;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.guildpkg.archive.PackageFormat;
import org.guildpkg.spec.PackageName;
import org.guildpkg.spec.Requirement;
import org.guildpkg.store.InstallOptions;
import org.guildpkg.store.ProgressListener;
import org.guildpkg.store.Store;
import org.guildpkg.store.VerifyReport;

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
   * {@code NAME>=1.0}): the highest installed version that matches.
   *
   * @throws GuildException naming the spec and the home when no installed version matches
   */
  public GuildPackage load(String spec) {
    Requirement r = Requirement.parse(spec);
    return store().find(r).orElseThrow(() -> new GuildException(
        "package '" + spec.trim() + "' is not installed in " + home + installedHint(r.name())
            + "; install it with 'guild install " + spec.trim() + "'"
            + (offline ? " (offline: no mirror was asked)" : "")));
  }

  /** The highest installed version satisfying {@code spec}, if any; never installs anything. */
  public Optional<GuildPackage> find(String spec) {
    return store().find(Requirement.parse(spec));
  }

  /**
   * Installs packages from archive paths ({@code NAME-VERSION.pkg.tar.zst}), in the order given,
   * so list required packages first.
   *
   * @return the installed packages, one per spec
   * @throws GuildException for a spec that is not an archive path (installing by name needs a
   *     mirror), or for an archive that cannot be installed
   */
  public List<GuildPackage> install(String... specs) {
    return install(ProgressListener.NONE, Arrays.asList(specs));
  }

  /** Like {@link #install(String...)}, reporting extraction progress to {@code progress}. */
  public List<GuildPackage> install(ProgressListener progress, List<String> specs) {
    List<GuildPackage> out = new ArrayList<>();
    for (String spec : specs) {
      if (!isArchivePath(spec)) {
        throw new GuildException("cannot install '" + spec + "': no mirror is configured in " + home
            + " to install packages by name; give the path of a NAME-VERSION"
            + PackageFormat.ZST_SUFFIX + " archive");
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
