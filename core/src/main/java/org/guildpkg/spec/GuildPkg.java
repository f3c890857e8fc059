package org.guildpkg.spec;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed and validated {@code GuildPkg}: the definition from which {@code guild package} builds
 * an archive.
 *
 * <pre>{@code
 * GuildPkg pkg = GuildPkg.parse(Path.of("examples/packages/mnist-tutorial-src/GuildPkg"));
 * pkg.name();            // mnist-tutorial-src
 * pkg.where("source");   // .../GuildPkg:12, for error messages
 * }</pre>
 *
 * @param file the {@code GuildPkg} file it was read from (absolute)
 * @param sources the {@code source} entries as written ({@code file}, {@code name::url}, URLs)
 * @param sha256sums one entry per source: 64 lowercase hex digits or {@code SKIP}
 * @param packager the packager file's name relative to the package folder, when there is one
 * @param references the {@code [references]} section (name to URL or text)
 * @param lines the line number of every key that was present, as {@code key} for
 *     {@code [package]} and {@code references.key} for {@code [references]}
 */
public record GuildPkg(
    Path file,
    PackageName name,
    Version version,
    PackageType type,
    String description,
    List<String> tags,
    String license,
    List<Requirement> requires,
    List<String> sources,
    List<String> sha256sums,
    Optional<String> packager,
    Map<String, String> references,
    Map<String, Integer> lines) {

  /** The value in {@code sha256sums} that turns checking off for one source. */
  public static final String SKIP = "SKIP";

  /** Copies the collections and checks that required parts are present. */
  public GuildPkg {
    if (file == null || name == null || version == null || type == null) {
      throw new IllegalArgumentException("file, name, version and type are required");
    }
    description = description == null ? "" : description;
    license = license == null ? "" : license;
    tags = List.copyOf(tags == null ? List.of() : tags);
    requires = List.copyOf(requires == null ? List.of() : requires);
    sources = List.copyOf(sources == null ? List.of() : sources);
    sha256sums = List.copyOf(sha256sums == null ? List.of() : sha256sums);
    packager = packager == null ? Optional.empty() : packager;
    references = Map.copyOf(references == null ? Map.of() : references);
    lines = Map.copyOf(lines == null ? Map.of() : lines);
    if (sha256sums.size() != sources.size()) {
      throw new IllegalArgumentException("one sha256sums entry per source is required");
    }
  }

  /**
   * Reads and validates a {@code GuildPkg} file.
   *
   * @throws org.guildpkg.GuildException with one line {@code FILE:LINE: KEY: problem} when the
   *     file cannot be read or a value is invalid
   */
  public static GuildPkg parse(Path file) {
    return GuildPkgParser.parse(file);
  }

  /** The package folder: the folder that holds the {@code GuildPkg} file. */
  public Path folder() {
    return file.getParent();
  }

  /**
   * Where a key was written, as {@code FILE:LINE} (or just {@code FILE} for an absent key), for
   * error messages about its value.
   */
  public String where(String key) {
    Integer line = lines.get(key);
    return line == null ? file.toString() : file + ":" + line;
  }
}
