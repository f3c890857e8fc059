package org.guildpkg;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.guildpkg.archive.Manifest;
import org.guildpkg.spec.PackageName;
import org.guildpkg.spec.PackageType;
import org.guildpkg.spec.Version;
import org.guildpkg.spi.PackageViewProvider;

/**
 * An installed package: its manifest and the folder that holds its files.
 *
 * <p>Other modules add typed views of a package through {@link PackageViewProvider}; tf-runtime
 * adds {@code SavedModel} and {@code Dataset}:
 *
 * <pre>{@code
 * try (SavedModel model = GuildPackages.load("half-plus-two").as(SavedModel.class)) { ... }
 * }</pre>
 *
 * @param path the package's folder in the store ({@code $GUILD_HOME/packages/NAME/VERSION})
 */
public record GuildPackage(Manifest manifest, Path path) {

  /** Checks that both parts are present. */
  public GuildPackage {
    if (manifest == null || path == null) {
      throw new IllegalArgumentException("manifest and path are required");
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
