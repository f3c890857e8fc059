package org.guildpkg.mirror;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.guildpkg.archive.ArchiveWriter;
import org.guildpkg.archive.Manifest;
import org.guildpkg.spec.PackageName;
import org.guildpkg.spec.PackageType;
import org.guildpkg.spec.Requirement;
import org.guildpkg.spec.Version;

/** Makes real package archives for mirror tests with {@link ArchiveWriter}. */
public final class TestPackages {
  private TestPackages() {}

  /** A manifest with the given parts. */
  public static Manifest manifest(String name, String version, PackageType type, String description,
      List<String> tags, String requires) {
    return new Manifest(PackageName.of(name), Version.parse(version), type, description, tags,
        "Apache-2.0", Requirement.parseList(requires), List.of(), Map.of(), Optional.empty(), null);
  }

  /** Writes an archive of {@code manifest} holding {@code files} (path to content) into {@code out}. */
  public static Path archive(Path work, Manifest manifest, Map<String, String> files, Path out) {
    try {
      Path pkgdir = Files.createTempDirectory(Files.createDirectories(work), manifest.id());
      for (Map.Entry<String, String> f : files.entrySet()) {
        Path p = pkgdir.resolve(f.getKey());
        Files.createDirectories(p.getParent());
        Files.writeString(p, f.getValue());
      }
      return ArchiveWriter.write(manifest, pkgdir, out, 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A small source package archive with one file whose content depends on {@code content}. */
  public static Path simple(Path work, String name, String version, String requires, String content, Path out) {
    return archive(work, manifest(name, version, PackageType.SOURCE, "package " + name, List.of("test"), requires),
        Map.of("README.txt", content), out);
  }
}
