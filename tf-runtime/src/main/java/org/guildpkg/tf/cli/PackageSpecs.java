package org.guildpkg.tf.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.guildpkg.GuildException;
import org.guildpkg.archive.Manifest;
import org.guildpkg.archive.PackageFormat;
import org.guildpkg.spec.PackageName;
import org.guildpkg.spec.Version;

/**
 * Finds what a TensorFlow command's SPEC argument names: a folder (a package folder or a bare
 * SavedModel or dataset folder), or an installed package {@code NAME} or {@code NAME@VERSION} in
 * the store ({@code $GUILD_HOME/packages/NAME/VERSION}, the newest version when none is given).
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
    int at = spec.indexOf('@');
    String name = at < 0 ? spec : spec.substring(0, at);
    if (!PackageName.isValid(name)) {
      throw new GuildException(
          "'" + spec + "' is neither a folder nor an installed package spec (NAME or NAME@VERSION)");
    }
    Path dir = home.resolve("packages").resolve(name);
    Path folder;
    if (at >= 0) {
      folder = dir.resolve(Version.parse(spec.substring(at + 1)).value());
    } else {
      folder = newest(dir).orElse(dir.resolve("?"));
    }
    if (!Files.isDirectory(folder)) {
      throw new GuildException(
          "package " + spec + " is not installed in " + home + " and no folder " + spec
              + " exists; install it with 'guild install " + spec + "' or give a folder");
    }
    return new Resolved(spec, folder, readManifest(folder));
  }

  private static Optional<Path> newest(Path dir) {
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> Files.isDirectory(p) && Version.isValid(p.getFileName().toString()))
          .max(Comparator.comparing(p -> Version.parse(p.getFileName().toString())));
    } catch (IOException e) {
      throw new GuildException("cannot list " + dir + ": " + e.getMessage(), e);
    }
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
