package org.guildpkg.spi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.guildpkg.archive.Manifest;

/**
 * Fills a package's interface data while it is packed, found through {@link ServiceLoader}
 * ({@code META-INF/services/org.guildpkg.spi.PackageInspector}).
 *
 * <p>tf-runtime's inspectors read the SavedModel of a model package (its signatures) and the
 * TFRecords of a dataset package (splits, counts, features), so that {@code core} stays free of
 * TensorFlow. An inspector that finds the package unusable (a model package without a loadable
 * SavedModel) throws {@link org.guildpkg.GuildException}, and no archive is written.
 */
public interface PackageInspector {
  /**
   * Adds what this inspector knows to {@code interfaceData}, reading the package's files in
   * {@code pkgdir}. Keys the maintainer already set in the manifest should be kept.
   */
  void inspect(Manifest manifest, Path pkgdir, ObjectNode interfaceData);

  /** Every inspector on the class path. */
  static List<PackageInspector> all() {
    List<PackageInspector> out = new ArrayList<>();
    ServiceLoader.load(PackageInspector.class, PackageInspector.class.getClassLoader())
        .forEach(out::add);
    return out;
  }
}
