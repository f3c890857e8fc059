package org.guildpkg.tf.project;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * Names a package a run came from (its source package, its dataset, a model it fine-tuned), as
 * the lineage in run.json and in a model package's manifest records it.
 *
 * @param name the package name, or a folder's name for an unpackaged project
 * @param version the package version, or {@code "0"} for an unpackaged project
 */
public record PackageRef(String name, String version) {
  /** The {@code {"name": ..., "version": ...}} form. */
  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("name", name);
    o.put("version", version);
    return o;
  }

  /** Reads the JSON form; empty when {@code n} is missing or not an object with a name. */
  public static Optional<PackageRef> fromJson(JsonNode n) {
    if (n == null || !n.path("name").isTextual()) {
      return Optional.empty();
    }
    return Optional.of(new PackageRef(n.get("name").asText(), n.path("version").asText("0")));
  }

  @Override
  public String toString() {
    return name + "@" + version;
  }
}
