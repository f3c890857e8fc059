package org.guildpkg.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import org.guildpkg.GuildException;
import org.guildpkg.archive.Manifest;

/** The JSON that {@code list --json} and {@code info --json} print for a package. */
final class PackageJson {
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private PackageJson() {}

  /** The manifest's fields (name, version as a string, type, ...) plus {@code path} and {@code installed}. */
  static ObjectNode of(Manifest m, Path path, boolean installed) {
    ObjectNode o = m.toJson();
    o.put("path", path.toString());
    o.put("installed", installed);
    return o;
  }

  /** Prints a JSON value with a trailing newline. */
  static void print(PrintWriter out, Object json) {
    try {
      out.println(JSON.writeValueAsString(json));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new GuildException("cannot write JSON: " + GuildException.reason(e), e);
    }
  }
}
