package org.guildpkg.tf.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.guildpkg.GuildException;
import org.guildpkg.GuildPackage;
import org.guildpkg.GuildPackages;
import org.guildpkg.archive.Manifest;
import org.guildpkg.archive.PackageFormat;

/**
 * Finds what a TensorFlow command's SPEC argument names: a folder (a package folder or a bare
 * SavedModel or dataset folder), or an installed package ({@code NAME}, {@code NAME@VERSION},
 * {@code "NAME>=1.0"}: the highest installed version that matches, as {@code GuildPackages.load}
 * finds it).
 */
final class PackageSpecs {
  private PackageSpecs() {}

  /**
   * A resolved SPEC.
   *
   * @param folder the folder holding the package's files
   * @param manifest the package's manifest, when the folder has one ({@code .MANIFEST.json})
   */
  record Resolved(String spec, Path folder, Optional<Manifest> manifest) {
    /** The package name, else the folder's name. */
    String name() {
      return manifest.map(m -> m.name().value()).orElse(folder.getFileName().toString());
    }

    /** How errors name it: {@code NAME@VERSION (folder)} or the folder. */
    String label() {
      return manifest.map(m -> m.name() + "@" + m.version() + " (" + folder + ")")
          .orElse(folder.toString());
    }
  }

  static Resolved resolve(String spec, Path home) {
    Path asPath = Path.of(spec);
    if (Files.isDirectory(asPath)) {
      Path folder = asPath.toAbsolutePath().normalize();
      return new Resolved(spec, folder, readManifest(folder));
    }
    if (spec.contains("/")) {
      throw new GuildException("no folder " + asPath.toAbsolutePath() + " (SPEC: a folder or an installed package)");
    }
    GuildPackage pkg = GuildPackages.at(home).load(spec);
    return new Resolved(spec, pkg.path(), Optional.of(pkg.manifest()));
  }

  private static Optional<Manifest> readManifest(Path folder) {
    Path f = folder.resolve(PackageFormat.MANIFEST);
    if (!Files.isRegularFile(f)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Manifest.fromJson(new ObjectMapper().readTree(f.toFile()), f.toString()));
    } catch (IOException e) {
      throw new GuildException(f + ": cannot read the manifest: " + e.getMessage(), e);
    }
  }
}
