package org.guildpkg;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What a command's or a program's SPEC names, resolved to a folder of files: the one resolver of
 * SPECs, used by every command that takes one ({@code serve}, {@code check}, {@code deploy},
 * {@code train --dataset}, {@code init --template}...).
 *
 * <p>A SPEC is, in this order:
 *
 * <ol>
 *   <li>an existing folder: a package folder (with its manifest) or a bare one, such as a
 *       SavedModel or a folder of TFRecords, which has no package;
 *   <li>an archive ({@code NAME-VERSION.pkg.tar.zst}): installed into the home (nothing to do when
 *       it is installed already with the same content), then its installed folder;
 *   <li>an installed package, {@code NAME}, {@code NAME@VERSION}, {@code NAME==VERSION}, a
 *       constraint such as {@code "NAME>=1.0"}, or {@code NAME@LABEL} (the version a mirror label
 *       such as {@code stable} names): the highest installed version that matches, installed from the
 *       configured mirrors first when none is and the home is not offline (as
 *       {@link GuildHome#load} does).
 * </ol>
 *
 * <pre>{@code
 * PackageFolder f = GuildPackages.atDefaultHome().resolve("half-plus-two");
 * Path saved = f.folder();                // $GUILD_HOME/packages/half-plus-two/1
 * }</pre>
 *
 * @param spec the SPEC as given
 * @param folder the folder holding the files, absolute
 * @param pkg the package, when the folder has a manifest
 */
public record PackageFolder(String spec, Path folder, Optional<GuildPackage> pkg) {

  /** Checks that the parts are present. */
  public PackageFolder {
    if (spec == null || folder == null || pkg == null) {
      throw new IllegalArgumentException("spec, folder and pkg are required");
    }
  }

  /** Resolves {@code spec} in {@code home}; see the class comment for the order of the forms. */
  static PackageFolder resolve(GuildHome home, String spec) {
    if (spec == null || spec.isBlank()) {
      throw new GuildException("empty SPEC: give a folder, an archive or an installed package");
    }
    Path asPath = Path.of(spec);
    if (Files.isDirectory(asPath)) {
      Path folder = asPath.toAbsolutePath().normalize();
      return new PackageFolder(spec, folder, GuildPackage.tryOpen(folder));
    }
    if (Files.isRegularFile(asPath) && GuildHome.isArchivePath(spec)) {
      GuildPackage installed = home.install(spec).get(0);
      return new PackageFolder(spec, installed.path(), Optional.of(installed));
    }
    if (spec.contains("/")) {
      throw new GuildException("no folder " + asPath.toAbsolutePath()
          + " (SPEC: a folder, an archive or an installed package)");
    }
    GuildPackage installed = home.load(spec);
    return new PackageFolder(spec, installed.path(), Optional.of(installed));
  }

  /** The package, or an error naming the folder and what to do when it has no manifest. */
  public GuildPackage requirePackage() {
    return pkg.orElseThrow(() -> new GuildException(
        folder + " is not a package folder (it has no manifest); give a package folder or an installed package"));
  }

  /** The package's name, else the folder's name. */
  public String name() {
    return pkg.map(p -> p.name().value()).orElse(String.valueOf(folder.getFileName()));
  }

  /** The package's version, else {@code "0"} for a folder without a package. */
  public String version() {
    return pkg.map(p -> p.version().value()).orElse("0");
  }

  /** How errors name it: {@code NAME@VERSION (folder)}, or the folder. */
  public String label() {
    return pkg.map(p -> p + " (" + folder + ")").orElse(folder.toString());
  }
}
