package org.guildpkg;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.guildpkg.archive.Manifest;
import org.guildpkg.archive.PackageFormat;
import org.guildpkg.spec.PackageName;
import org.guildpkg.spec.PackageType;
import org.guildpkg.spec.Version;
import org.guildpkg.spi.PackageViewProvider;

/**
 * A package's files in a folder and its manifest: an installed package, or any package folder
 * (an unpacked archive, a run's model) opened with {@link #open(Path)}.
 *
 * <p>Other modules add typed views of a package through {@link PackageViewProvider}; tf-runtime
 * adds {@code SavedModel} and {@code Dataset}:
 *
 * <pre>{@code
 * try (SavedModel model = GuildPackages.load("half-plus-two").as(SavedModel.class)) { ... }
 * }</pre>
 *
 * <p>Core owns the package-folder format ({@link PackageFormat#MANIFEST} beside the package's
 * files): other modules open a folder through {@link #open(Path)} or {@link #tryOpen(Path)} rather
 * than reading the manifest file themselves.
 *
 * @param path the package's folder ({@code $GUILD_HOME/packages/NAME/VERSION} when installed)
 */
public record GuildPackage(Manifest manifest, Path path) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Checks that both parts are present. */
  public GuildPackage {
    if (manifest == null || path == null) {
      throw new IllegalArgumentException("manifest and path are required");
    }
  }

  /**
   * Opens the package in {@code folder}: reads its manifest ({@value PackageFormat#MANIFEST}).
   *
   * @throws GuildException naming the folder when it holds no manifest, or the manifest file when
   *     it cannot be read or is not a valid manifest
   */
  public static GuildPackage open(Path folder) {
    return tryOpen(folder).orElseThrow(() -> new GuildException(
        folder + " is not a package folder: it has no " + PackageFormat.MANIFEST));
  }

  /**
   * Opens the package in {@code folder} when the folder has a manifest; empty for any other
   * folder (a bare SavedModel, a folder of TFRecords) or a missing one.
   *
   * @throws GuildException naming the manifest file when it exists but cannot be read or is not a
   *     valid manifest
   */
  public static Optional<GuildPackage> tryOpen(Path folder) {
    Path file = folder.resolve(PackageFormat.MANIFEST);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      Manifest m = Manifest.fromJson(JSON.readTree(Files.readAllBytes(file)), file.toString());
      return Optional.of(new GuildPackage(m, folder));
    } catch (NoSuchFileException e) {
      return Optional.empty(); // removed while we looked
    } catch (IOException e) {
      throw new GuildException(file + ": cannot read the manifest: " + GuildException.reason(e), e);
    }
  }

  /** The package's name. */
  public PackageName name() {
    return manifest.name();
  }

  /** The package's version. */
  public Version version() {
    return manifest.version();
  }

  /** The package's type. */
  public PackageType type() {
    return manifest.type();
  }

  /**
   * Opens a typed view of this package, such as tf-runtime's {@code SavedModel} for a model
   * package. Views that own native resources are {@link AutoCloseable}: close them.
   *
   * @throws GuildException naming the views that exist for this package's type when none of the
   *     providers on the class path gives {@code view}
   */
  public <T> T as(Class<T> view) {
    List<PackageViewProvider> providers = PackageViewProvider.all();
    for (PackageViewProvider p : providers) {
      if (p.viewType().equals(view) && p.packageTypes().contains(type())) {
        return view.cast(p.open(this));
      }
    }
    String known =
        providers.stream()
            .filter(p -> p.packageTypes().contains(type()))
            .map(p -> p.viewType().getSimpleName())
            .sorted()
            .collect(Collectors.joining(", "));
    throw new GuildException(
        "package " + name() + "@" + version() + " (" + type() + ") has no view "
            + view.getSimpleName() + "; views for " + type() + " packages: "
            + (known.isEmpty() ? "none (is guild-tf-runtime on the class path?)" : known));
  }

  @Override
  public String toString() {
    return name() + "@" + version();
  }
}
