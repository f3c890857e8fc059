package org.guildpkg.build;

import com.github.luben.zstd.ZstdInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.guildpkg.archive.ArchiveWriter;

/** Test helpers: write package folders, list what a build left behind. */
public final class PackageFolders {
  private PackageFolders() {}

  /** A minimal [package] header for a package named {@code name}, version 1, type source. */
  public static String header(String name) {
    return "[package]\nname = " + name + "\nversion = 1\ntype = source\n";
  }

  /** Writes {@code GuildPkg} and the given files (name to content) into {@code dir}. */
  public static Path write(Path dir, String guildPkg, Map<String, String> files) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("GuildPkg"), guildPkg, StandardCharsets.UTF_8);
      for (Map.Entry<String, String> f : files.entrySet()) {
        Path p = dir.resolve(f.getKey());
        Files.createDirectories(p.getParent());
        Files.writeString(p, f.getValue(), StandardCharsets.UTF_8);
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every path below {@code dir} (relative), for "nothing was left behind" checks. */
  public static List<String> listing(Path dir) {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> !p.equals(dir)).map(p -> dir.relativize(p).toString()).sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * What work folders a home holds: the entries of {@code tmp/} and of {@code builds/} (but its
   * guard lock file), which a finished or failed build must leave empty.
   */
  public static List<String> workLeftovers(Path home) {
    return Stream.concat(listing(home.resolve("tmp")).stream().map(p -> "tmp/" + p),
            listing(home.resolve("builds")).stream().filter(p -> !p.equals(".lock"))
                .map(p -> "builds/" + p))
        .toList();
  }

  /** The sha256 of a file. */
  public static String sha256(Path file) {
    try {
      return ArchiveWriter.sha256(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The sha256 of a string's UTF-8 bytes. */
  public static String sha256(String text) {
    return java.util.HexFormat.of().formatHex(
        ArchiveWriter.sha256Digest().digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** Entry name to content (as UTF-8 text) of every regular entry of a .pkg.tar.zst. */
  public static Map<String, String> entries(Path archive) {
    Map<String, String> out = new HashMap<>();
    try (InputStream in = new ZstdInputStream(Files.newInputStream(archive));
        TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
        if (e.isFile()) {
          out.put(e.getName(), new String(tar.readAllBytes(), StandardCharsets.UTF_8));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
