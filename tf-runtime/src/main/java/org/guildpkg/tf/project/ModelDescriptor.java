package org.guildpkg.tf.project;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.guildpkg.GuildException;
import org.guildpkg.tf.author.FlagSpec;
import org.guildpkg.tf.author.FlagType;

/**
 * A source package's {@code model.json}: the {@link org.guildpkg.tf.author.ModelCode} class to train, the dataset it
 * trains on by default and its flags.
 *
 * <pre>{@code
 * {"model": "FashionMnistSoftmax", "dataset": "fashion-mnist",
 *  "flags": {"learning_rate": {"default": "0.5", "type": "float", "help": "..."}}}
 * }</pre>
 *
 * @param modelClass the binary name of the class implementing {@link org.guildpkg.tf.author.ModelCode}
 * @param dataset the default dataset package spec, if any
 * @param flags the declared flags by name, in file order
 */
public record ModelDescriptor(String modelClass, Optional<String> dataset, Map<String, FlagSpec> flags) {
  /** The descriptor's file name in a source package or project. */
  public static final String FILE = "model.json";

  /** Copies the flags. */
  public ModelDescriptor {
    flags = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(flags));
  }

  /**
   * Reads {@code dir/model.json}.
   *
   * @throws GuildException naming the file and what is wrong in it
   */
  public static ModelDescriptor read(Path dir) {
    Path file = dir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      throw new GuildException(
          file + " not found: a model project holds model.json and its .java sources"
              + " (start one with 'guild init --template PKG DIR')");
    }
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new GuildException(file + ": not valid JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
    }
    return fromJson(root, file.toString());
  }

  /** Reads the descriptor from its JSON form; {@code where} names it in errors. */
  public static ModelDescriptor fromJson(JsonNode root, String where) {
    if (root == null || !root.path("model").isTextual()) {
      throw new GuildException(where + ": needs \"model\": the name of the class implementing ModelCode");
    }
    Map<String, FlagSpec> flags = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = root.path("flags").fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode f = e.getValue();
      try {
        flags.put(
            e.getKey(),
            new FlagSpec(
                e.getKey(),
                f.path("default").asText(null),
                FlagType.of(f.path("type").asText("string")),
                f.path("help").asText("")));
      } catch (GuildException ex) {
        throw new GuildException(where + ": flag " + e.getKey() + ": " + ex.getMessage(), ex);
      }
    }
    String ds = root.path("dataset").asText("");
    return new ModelDescriptor(
        root.get("model").asText(), ds.isEmpty() ? Optional.empty() : Optional.of(ds), flags);
  }

  /** The flags in the manifest's interface-data form. */
  public ObjectNode flagsJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    flags.forEach((name, f) -> {
      ObjectNode n = o.putObject(name);
      n.put("default", f.defaultValue());
      n.put("type", f.type().id());
      n.put("help", f.help());
    });
    return o;
  }
}
