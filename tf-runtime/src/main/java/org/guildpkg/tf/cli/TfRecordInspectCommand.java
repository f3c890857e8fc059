package org.guildpkg.tf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.guildpkg.GuildException;
import org.guildpkg.tf.data.DatasetInspector;
import org.guildpkg.tf.data.Examples;
import org.guildpkg.tf.data.FeatureSpec;
import org.guildpkg.tf.data.TFRecordReader;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code guild tfrecord inspect}: count, features and first records of a TFRecord file. */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = "Show a TFRecord file's record count, compression, features (from the first"
        + " Example, refined by a dataset.json beside the file) and first records.")
final class TfRecordInspectCommand implements Callable<Integer> {
  private static final int SHOWN_VALUES = 8;

  @ParentCommand TfRecordCommand parent;

  @Parameters(paramLabel = "FILE", description = "The TFRecord file (plain, gzip or zlib).")
  Path file;

  @Option(names = "--records", paramLabel = "N", defaultValue = "3",
      description = "How many records to show (default: ${DEFAULT-VALUE}).")
  int shown;

  @Option(names = "--json", description = "Print JSON instead of text.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode o = mapper.createObjectNode();
    o.put("file", file.toString());
    ArrayNode first = mapper.createArrayNode();
    ObjectNode features = mapper.createObjectNode();
    try (TFRecordReader r = TFRecordReader.open(file)) {
      o.put("compression", r.compression().id());
      while (r.next()) {
        if (r.records() <= Math.max(shown, 1)) {
          Example e;
          try {
            e = Examples.parse(r.record());
          } catch (GuildException ex) {
            throw new GuildException(file + ": record at byte offset " + r.recordOffset() + ": " + ex.getMessage(), ex);
          }
          Map<String, Feature> sorted = new TreeMap<>(e.getFeatures().getFeatureMap());
          if (r.records() == 1) {
            JsonNode hints = hints();
            for (Map.Entry<String, Feature> f : sorted.entrySet()) {
              ObjectNode spec = FeatureSpec.infer(f.getKey(), f.getValue()).toJson();
              if (hints.path(f.getKey()).isObject()) {
                spec.setAll((ObjectNode) hints.get(f.getKey()));
                FeatureSpec.fromJson(f.getKey(), spec, hintsFile().toString()).check(e);
              }
              features.set(f.getKey(), spec.put("kind", Examples.kind(f.getValue())));
            }
          }
          if (r.records() <= shown) {
            ObjectNode rec = first.addObject();
            sorted.forEach((k, v) -> rec.put(k, summary(v)));
          }
        }
      }
      o.put("records", r.records());
    }
    o.set("features", features);
    o.set("first", first);
    if (json) {
      parent.out().println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(o));
      return 0;
    }
    var out = parent.out();
    out.println("file:        " + file);
    out.println("compression: " + o.get("compression").asText());
    out.println("records:     " + o.get("records").asLong());
    out.println("features (from the first record and any dataset.json beside the file):");
    features.fields().forEachRemaining(f -> out.println("  " + f.getKey() + ": " + f.getValue().get("kind").asText()
        + " -> " + f.getValue().get("dtype").asText() + " " + f.getValue().get("shape")));
    for (int i = 0; i < first.size(); i++) {
      out.println("record " + i + ":");
      first.get(i).fields().forEachRemaining(f -> out.println("  " + f.getKey() + " = " + f.getValue().asText()));
    }
    return 0;
  }

  private Path hintsFile() {
    return file.toAbsolutePath().getParent().resolve(DatasetInspector.HINTS_FILE);
  }

  /** The features of a dataset.json next to the file (as {@code from-idx} writes), if any. */
  private JsonNode hints() throws java.io.IOException {
    Path f = hintsFile();
    return java.nio.file.Files.isRegularFile(f)
        ? new ObjectMapper().readTree(f.toFile()).path("features")
        : com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  /** A short text form of a feature's values. */
  static String summary(Feature f) {
    StringBuilder s = new StringBuilder("[");
    int n = Examples.valueCount(f);
    for (int i = 0; i < Math.min(n, SHOWN_VALUES); i++) {
      if (i > 0) {
        s.append(", ");
      }
      if (f.hasInt64List()) {
        s.append(f.getInt64List().getValue(i));
      } else if (f.hasFloatList()) {
        s.append(f.getFloatList().getValue(i));
      } else {
        s.append(bytes(f.getBytesList().getValue(i)));
      }
    }
    if (n > SHOWN_VALUES) {
      s.append(", ... (").append(n).append(" values)");
    }
    return s.append(']').toString();
  }

  private static String bytes(ByteString b) {
    if (b.size() <= 64) {
      try {
        String text = StandardCharsets.UTF_8.newDecoder().decode(b.asReadOnlyByteBuffer()).toString();
        if (text.chars().noneMatch(Character::isISOControl)) {
          return "\"" + text + "\"";
        }
      } catch (CharacterCodingException e) {
        // binary: fall through
      }
    }
    StringBuilder hex = new StringBuilder("<").append(b.size()).append(" bytes:");
    for (int i = 0; i < Math.min(8, b.size()); i++) {
      hex.append(String.format(" %02x", b.byteAt(i) & 0xff));
    }
    return hex.append(b.size() > 8 ? " ...>" : ">").toString();
  }
}
