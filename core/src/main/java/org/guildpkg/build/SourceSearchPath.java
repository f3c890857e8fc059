package org.guildpkg.build;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.guildpkg.GuildException;
import org.guildpkg.io.FileOps;
import org.guildpkg.spec.GuildPkg;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folders where {@code guild package} looks for a source file before downloading it, as makepkg
 * looks in {@code SRCDEST}: {@code guild package --sources DIR} (repeatable) and then the
 * colon-separated {@code GUILD_SOURCES}. A file there is used when its name is the source's file
 * name and its sha256 matches the GuildPkg's checksum (any file of that name for a {@code SKIP}
 * source).
 *
 * <pre>{@code
 * SourceSearchPath path = SourceSearchPath.fromEnvironment();           // GUILD_SOURCES
 * Optional<Path> model = path.find("mobilenet_v2_1.0_224_quant.tflite", "7aad0c74...");
 * }</pre>
 *
 * <p>This is how example packages that name large upstream files build offline, and how tests
 * find those files (see {@code docs/sources.md}).
 */
public final class SourceSearchPath {
  private static final Logger LOG = LoggerFactory.getLogger(SourceSearchPath.class);

  /** The environment variable holding the default search path, colon-separated. */
  public static final String ENV = "GUILD_SOURCES";

  private static final SourceSearchPath EMPTY = new SourceSearchPath(List.of());

  private final List<Path> dirs;

  private SourceSearchPath(List<Path> dirs) {
    this.dirs = List.copyOf(dirs);
  }

  /** An empty search path: every URL source is taken from the cache or downloaded. */
  public static SourceSearchPath empty() {
    return EMPTY;
  }

  /**
   * The search path {@code GUILD_SOURCES} names (colon-separated folders; empty entries and
   * folders that do not exist are left out, as a shell's {@code PATH} does).
   */
  public static SourceSearchPath fromEnvironment() {
    return parse(System.getenv(ENV));
  }

  /** The search path of a colon-separated list of folders such as {@code GUILD_SOURCES}. */
  public static SourceSearchPath parse(String colonSeparated) {
    if (colonSeparated == null || colonSeparated.isBlank()) {
      return EMPTY;
    }
    List<Path> dirs = new ArrayList<>();
    for (String part : colonSeparated.split(":")) {
      if (part.isBlank()) {
        continue;
      }
      Path d = Path.of(part.strip()).toAbsolutePath().normalize();
      if (Files.isDirectory(d)) {
        dirs.add(d);
      } else {
        LOG.debug("{} names {}, which is not a folder; leaving it out", ENV, d);
      }
    }
    return new SourceSearchPath(dirs);
  }

  /**
   * This search path with {@code first} in front, for {@code --sources DIR} options.
   *
   * @throws GuildException naming a folder of {@code first} that does not exist
   */
  public SourceSearchPath withFirst(List<Path> first) {
    List<Path> all = new ArrayList<>();
    for (Path p : first) {
      Path d = p.toAbsolutePath().normalize();
      if (!Files.isDirectory(d)) {
        throw new GuildException("source search path: " + d + " is not a folder; give an"
            + " existing folder to --sources");
      }
      all.add(d);
    }
    for (Path d : dirs) {
      if (!all.contains(d)) {
        all.add(d);
      }
    }
    return new SourceSearchPath(all);
  }

  /** The folders, in the order they are searched. */
  public List<Path> dirs() {
    return dirs;
  }

  /**
   * The file named {@code fileName} in the first folder where its sha256 is {@code sha256}
   * (lowercase hex), or where it merely exists when {@code sha256} is {@code SKIP}.
   */
  public Optional<Path> find(String fileName, String sha256) {
    for (Path d : dirs) {
      Path f = d.resolve(fileName);
      if (!f.normalize().startsWith(d) || !Files.isRegularFile(f)) {
        continue;
      }
      if (sha256.equals(GuildPkg.SKIP)) {
        return Optional.of(f);
      }
      try {
        String actual = FileOps.sha256(f);
        if (actual.equalsIgnoreCase(sha256)) {
          return Optional.of(f);
        }
        LOG.warn("source search path: {} has sha256 {}, not {}; not using it", f, actual, sha256);
      } catch (IOException e) {
        LOG.warn("source search path: cannot read {}: {}", f, GuildException.reason(e));
      }
    }
    return Optional.empty();
  }

  /** The folders joined with {@code :}, or a hint how to set them when there are none. */
  public String describe() {
    return dirs.isEmpty()
        ? "(empty: pass --sources DIR or set " + ENV + ")"
        : dirs.stream().map(Path::toString).collect(Collectors.joining(":"));
  }

  @Override
  public String toString() {
    return "SourceSearchPath[" + describe() + "]";
  }
}
