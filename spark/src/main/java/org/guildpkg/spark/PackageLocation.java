package org.guildpkg.spark;

import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.guildpkg.GuildHome;
import org.guildpkg.GuildPackage;
import org.guildpkg.GuildPackages;

/**
 * How a Spark task finds a package where it runs: a spec ({@code NAME}, {@code NAME@VERSION}) in a
 * Guild home, or a package folder every executor can read. The home is the one given here, else
 * the executor's {@code GUILD_HOME} (else {@code ~/.guild}); a package missing from it is
 * installed from that home's mirrors (unless offline), so each executor JVM fetches the same
 * signed package once instead of being shipped model files.
 *
 * <pre>{@code
 * PackageLocation model = PackageLocation.of("fashion-mnist-convnet+fashion-mnist@1");
 * }</pre>
 *
 * @param spec a package spec, or the absolute path of a package folder
 * @param home the Guild home to use, or null for the executor's own ({@code GUILD_HOME})
 * @param offline true when executors must not ask any mirror
 */
public record PackageLocation(String spec, String home, boolean offline) implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Checks that there is a spec. */
  public PackageLocation {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("a package spec or folder is required");
    }
  }

  /** A spec that each executor resolves in its own {@code GUILD_HOME}, installing it when missing. */
  public static PackageLocation of(String spec) {
    return new PackageLocation(spec, null, false);
  }

  /** The same spec resolved in {@code home} (a home every executor sees, or for local masters). */
  public PackageLocation inHome(Path home) {
    return new PackageLocation(spec, home.toAbsolutePath().normalize().toString(), offline);
  }

  /** The same spec, never asking a mirror when {@code offline}. */
  public PackageLocation offline(boolean offline) {
    return new PackageLocation(spec, home, offline);
  }

  /**
   * This location pinned to the exact version of {@code pkg} (resolved on the driver), so that
   * every executor loads that version.
   */
  public PackageLocation pinnedTo(GuildPackage pkg) {
    return folder().isPresent() ? this
        : new PackageLocation(pkg.name().value() + "@" + pkg.version().value(), home, offline);
  }

  /** The home where this location resolves packages in the current JVM. */
  GuildHome guildHome() {
    GuildHome h = home != null ? GuildPackages.at(Path.of(home)) : GuildPackages.atDefaultHome();
    return h.offline(offline || h.offline());
  }

  /** The package's folder in the current JVM: the folder itself, or the installed package's. */
  Path resolve() {
    return folder().orElseGet(() -> guildHome().load(spec).path());
  }

  /** The folder when the spec names an existing folder, not a package. */
  Optional<Path> folder() {
    Path p = Path.of(spec);
    return p.isAbsolute() && Files.isDirectory(p) ? Optional.of(p) : Optional.empty();
  }

  @Override
  public String toString() {
    return spec + (home == null ? "" : " in " + home);
  }
}
