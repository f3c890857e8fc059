package org.guildpkg.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.guildpkg.GuildException;
import org.guildpkg.archive.Manifest;
import org.guildpkg.spec.PackageName;
import org.guildpkg.spec.Version;

/**
 * One published package version in a mirror's index: its manifest (name, version, type,
 * description, tags, requires, interface data, ...) and where its archive is, how big, and its
 * sha256.
 *
 * @param file the archive's path relative to the mirror root,
 *     {@code packages/NAME/NAME-VERSION.pkg.tar.zst}
 * @param size the archive's size in bytes
 * @param sha256 the archive's sha256, lowercase hex
 */
public record IndexEntry(Manifest manifest, String file, long size, String sha256) {

  /** Checks that every part is present and the file path stays inside the mirror. */
  public IndexEntry {
    if (manifest == null || file == null || sha256 == null) {
      throw new IllegalArgumentException("manifest, file and sha256 are required");
    }
    if (file.startsWith("/") || file.contains("..") || file.contains("\\") || file.contains("//")
        || file.contains(":")) {
      throw new GuildException("index entry " + manifest.id() + " has an unsafe file path '" + file + "'");
    }
    if (size < 0 || !sha256.matches("[0-9a-f]{64}")) {
      throw new GuildException("index entry " + manifest.id() + " has a bad size or sha256");
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

  /** The mirror path of a package's archive: {@code packages/NAME/NAME-VERSION<suffix>}. */
  public static String pathFor(Manifest manifest, String suffix) {
    return "packages/" + manifest.name() + "/" + manifest.id() + suffix;
  }

  /** This entry as a JSON object: the manifest's fields plus {@code file}, {@code size}, {@code sha256}. */
  public ObjectNode toJson() {
    ObjectNode o = manifest.toJson();
    o.put("file", file);
    o.put("size", size);
    o.put("sha256", sha256);
    return o;
  }

  /** Reads an entry written by {@link #toJson()}; {@code where} names the index in errors. */
  public static IndexEntry fromJson(JsonNode o, String where) {
    Manifest m = Manifest.fromJson(o, where);
    JsonNode file = o.get("file");
    JsonNode sha = o.get("sha256");
    JsonNode size = o.get("size");
    if (file == null || sha == null || size == null || !size.canConvertToLong()) {
      throw new GuildException(where + ": entry " + m.id() + " lacks file, size or sha256");
    }
    return new IndexEntry(m, file.asText(), size.asLong(), sha.asText());
  }
}
