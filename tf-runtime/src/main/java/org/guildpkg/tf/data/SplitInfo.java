package org.guildpkg.tf.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.guildpkg.GuildException;

/**
 * One split of a dataset as its manifest describes it: {@code {"files": [...], "examples": 60000,
 * "compression": "none"}}.
 *
 * @param files the split's TFRecord files, relative to the package folder ({@code /}-separated),
 *     in reading order
 */
public record SplitInfo(String name, List<String> files, long examples, TFRecordCompression compression) {
  /** Checks and copies the parts. */
  public SplitInfo {
    if (name == null || files == null || compression == null || examples < 0) {
      throw new IllegalArgumentException("name, files, compression and examples >= 0 are required");
    }
    files = List.copyOf(files);
  }

  /** The manifest form (without the name, which is its key). */
  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    ArrayNode f = o.putArray("files");
    files.forEach(f::add);
    o.put("examples", examples);
    o.put("compression", compression.id());
    return o;
  }

  /** Reads a split from the manifest's {@code splits} object; {@code where} names it for errors. */
  public static SplitInfo fromJson(String name, JsonNode o, String where) {
    if (!o.path("files").isArray() || o.path("files").isEmpty()) {
      throw new GuildException(where + ": split '" + name + "' lists no files");
    }
    List<String> files = new ArrayList<>();
    o.get("files").forEach(f -> files.add(f.asText()));
    return new SplitInfo(
        name, files, o.path("examples").asLong(0), TFRecordCompression.of(o.path("compression").asText("none")));
  }
}
