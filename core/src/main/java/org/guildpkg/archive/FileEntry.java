package org.guildpkg.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import org.guildpkg.GuildException;

/**
 * One entry of a package's file list: its path inside the package, its Unix mode, and for a
 * regular file its size and sha256; for a symbolic link its target.
 *
 * @param path relative path with {@code /} separators, never starting with {@code /} or holding
 *     {@code ..}
 * @param mode Unix permission bits ({@code 0644}, {@code 0755}); normalised when packing
 * @param size bytes of a regular file; 0 for directories and links
 * @param sha256 lowercase hex digest of a regular file; empty for directories and links
 * @param linkTarget the target of a symbolic link, which must stay inside the package
 */
public record FileEntry(
    String path, Kind kind, int mode, long size, String sha256, Optional<String> linkTarget) {

  /** What a file list entry is. */
  public enum Kind {
    /** A regular file, with size and sha256. */
    FILE,
    /** A directory. */
    DIRECTORY,
    /** A symbolic link inside the package. */
    SYMLINK
  }

  /** Normalises absent parts. */
  public FileEntry {
    sha256 = sha256 == null ? "" : sha256;
    linkTarget = linkTarget == null ? Optional.empty() : linkTarget;
  }

  /** This entry as a JSON object for {@link PackageFormat#FILES}. */
  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("path", path);
    o.put("kind", kind.name().toLowerCase(java.util.Locale.ROOT));
    o.put("mode", String.format("%04o", mode));
    o.put("size", size);
    if (kind == Kind.FILE) {
      o.put("sha256", sha256);
    }
    linkTarget.ifPresent(t -> o.put("target", t));
    return o;
  }

  /** Reads an entry written by {@link #toJson()}; {@code where} names the archive in errors. */
  public static FileEntry fromJson(JsonNode o, String where) {
    try {
      return new FileEntry(
          o.get("path").asText(),
          Kind.valueOf(o.get("kind").asText().toUpperCase(java.util.Locale.ROOT)),
          Integer.parseInt(o.get("mode").asText(), 8),
          o.path("size").asLong(0),
          o.path("sha256").asText(""),
          o.hasNonNull("target") ? Optional.of(o.get("target").asText()) : Optional.empty());
    } catch (RuntimeException e) {
      throw new GuildException(where + ": bad file list entry " + o, e);
    }
  }
}
