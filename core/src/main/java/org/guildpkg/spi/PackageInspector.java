package org.guildpkg.spi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import org.guildpkg.archive.Manifest;
import org.guildpkg.spec.PackageType;

/**
 * Fills a package's interface data while it is packed, found through {@link ServiceLoader}
 * ({@code META-INF/services/org.guildpkg.spi.PackageInspector}).
 *
 * <p>tf-runtime's inspectors read the SavedModel of a model package (its signatures) and the
 * TFRecords of a dataset package (splits, counts, features), so that {@code core} stays free of
 * TensorFlow. An inspector that finds the package unusable (a model package without a loadable
 * SavedModel) throws {@link org.guildpkg.GuildException}, and no archive is written.
 *
 * <p>The writer of interface data also describes it to people: {@link #summarize} gives the
 * {@code key: value} lines {@code guild info} prints for the keys of {@link #summarizedKeys}. Core
 * knows no package type's keys; for a package type that no inspector on the class path
 * describes, {@code guild info} prints every key generically.
 */
public interface PackageInspector {
  /**
   * One line of a package's summary, as {@code guild info} prints it.
   *
   * @param key a short label, such as {@code splits} or {@code signature}
   * @param value the text after it, on one line
   */
  record SummaryLine(String key, String value) {}

  /**
   * Adds what this inspector knows to {@code interfaceData}, reading the package's files in
   * {@code pkgdir}. Keys the maintainer already set in the manifest should be kept.
   */
  void inspect(Manifest manifest, Path pkgdir, ObjectNode interfaceData);

  /**
   * The interface-data keys this inspector writes and {@link #summarize} describes for packages of
   * {@code type}; empty (the default) when it describes none.
   */
  default Set<String> summarizedKeys(PackageType type) {
    return Set.of();
  }

  /**
   * The lines that describe this inspector's keys of {@code interfaceData} to people, for a package
   * of {@code type}; keys the data lacks give no line. The default gives none.
   */
  default List<SummaryLine> summarize(PackageType type, JsonNode interfaceData) {
    return List.of();
  }

  /** Every inspector on the class path. */
  static List<PackageInspector> all() {
    List<PackageInspector> out = new ArrayList<>();
    ServiceLoader.load(PackageInspector.class, PackageInspector.class.getClassLoader())
        .forEach(out::add);
    return out;
  }
}
