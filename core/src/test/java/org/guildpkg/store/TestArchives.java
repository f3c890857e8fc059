package org.guildpkg.store;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.guildpkg.archive.ArchiveWriter;
import org.guildpkg.archive.Manifest;
import org.guildpkg.spec.PackageName;
import org.guildpkg.spec.PackageType;
import org.guildpkg.spec.Requirement;
import org.guildpkg.spec.Version;

/** Builds real package archives for store tests with {@link ArchiveWriter}. */
public final class TestArchives {
  private TestArchives() {}

  /** A manifest of a dataset package with the given requires (may be empty). */
  public static Manifest manifest(String name, String version, String requires) {
    return new Manifest(PackageName.of(name), Version.parse(version), PackageType.DATASET,
        "test package " + name, List.of("test"), "Apache-2.0", Requirement.parseList(requires),
        List.of(), Map.of(), Optional.empty(), null);
  }

  /**
   * Writes {@code out/NAME-VERSION.pkg.tar.zst} holding {@code files} (path to text content).
   */
  public static Path archive(Path out, String name, String version, String requires,
      Map<String, String> files) {
    try {
      Path pkgdir = Files.createTempDirectory(Files.createDirectories(out), "pkgdir-");
      for (Map.Entry<String, String> f : files.entrySet()) {
        Path p = pkgdir.resolve(f.getKey());
        Files.createDirectories(p.getParent());
        Files.writeString(p, f.getValue());
      }
      return ArchiveWriter.write(manifest(name, version, requires), pkgdir, out, 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A small package with two files in two folders. */
  public static Path simple(Path out, String name, String version, String requires) {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("README.txt", name + " " + version + "\n");
    files.put("data/part-0.txt", "zero " + version + "\n");
    return archive(out, name, version, requires, files);
  }

  /**
   * A package of {@code count} files of incompressible random bytes, {@code bytesEach} each,
   * for crash and concurrency tests.
   */
  public static Path random(Path out, String name, String version, int count, int bytesEach, long seed) {
    try {
      Path pkgdir = Files.createTempDirectory(Files.createDirectories(out), "pkgdir-");
      Random rnd = new Random(seed);
      byte[] buf = new byte[bytesEach];
      for (int i = 0; i < count; i++) {
        rnd.nextBytes(buf);
        Path p = pkgdir.resolve(String.format("shard-%02d/part-%04d.bin", i % 8, i));
        Files.createDirectories(p.getParent());
        try (OutputStream os = Files.newOutputStream(p)) {
          os.write(buf);
        }
      }
      Files.writeString(pkgdir.resolve("README.txt"), "random\n", StandardCharsets.UTF_8);
      return ArchiveWriter.write(manifest(name, version, ""), pkgdir, out, 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every path below {@code home} outside {@code tmp/}, {@code builds/} and the lock file, sorted. */
  public static List<String> snapshot(Path home) {
    try (var s = Files.walk(home)) {
      return s.map(p -> home.relativize(p).toString())
          .filter(p -> !p.isEmpty() && !p.equals("lock") && !p.startsWith("tmp")
              && !p.startsWith("builds"))
          .sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The entries of {@code home/tmp}. */
  public static List<String> tmpEntries(Path home) {
    try (var s = Files.list(home.resolve("tmp"))) {
      return s.map(p -> p.getFileName().toString()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
