package org.guildpkg.tf.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.guildpkg.GuildException;
import org.guildpkg.archive.Manifest;
import org.guildpkg.spec.PackageType;
import org.guildpkg.spi.PackageInspector;
import org.guildpkg.spi.SummaryText;
import org.tensorflow.proto.Example;

/**
 * Fills a dataset package's manifest while it is packed: {@code splits} (files, example counts
 * found by reading every record with CRC checks, compression), {@code features} (from the first
 * record, refined by the maintainer's hints) and {@code classes}.
 *
 * <p>Hints come from {@value #HINTS_FILE} in {@code $pkgdir}, which the packager writes (and
 * {@code guild tfrecord from-idx} adds its features to):
 *
 * <pre>{@code
 * {"classes": ["T-shirt/top", ...],
 *  "features": {"image": {"dtype": "uint8", "shape": [28, 28]}},
 *  "splits": {"train": {"files": ["train-00000-of-00004.tfrecord", ...]}}}
 * }</pre>
 *
 * <p>Without {@code splits}, files named {@code SPLIT.tfrecord} or
 * {@code SPLIT-00000-of-00004.tfrecord} (optionally ending {@code .gz} or {@code .zlib}) anywhere
 * under {@code $pkgdir} make up split {@code SPLIT}. Keys already set in the manifest's interface
 * data are kept, and so are the maintainer's hints: this inspector only adds what is missing.
 */
public final class DatasetInspector implements PackageInspector {
  /** The maintainer's hints file in {@code $pkgdir}. */
  public static final String HINTS_FILE = "dataset.json";

  static final ObjectMapper JSON = new ObjectMapper();

  private static final Pattern SHARD =
      Pattern.compile("^(?<split>[^/]+?)(?:-\\d+-of-\\d+)?\\.tfrecords?(?:\\.gz|\\.zlib)?$");
  private static final Pattern TF_SHARD =
      Pattern.compile("^(?<split>[^/]+?)\\.tfrecords?-\\d+-of-\\d+(?:\\.gz|\\.zlib)?$");

  /** Creates the inspector; {@link java.util.ServiceLoader} calls this. */
  public DatasetInspector() {}

  @Override
  public void inspect(Manifest manifest, Path pkgdir, ObjectNode interfaceData) {
    if (manifest.type() != PackageType.DATASET) {
      return;
    }
    mergeMissing(interfaceData, describe(pkgdir, interfaceData));
  }

  /**
   * What a folder of TFRecords holds: its hints file merged with splits, counts and features read
   * from the files. {@code given} holds data that wins over both (the manifest's own keys).
   */
  static ObjectNode describe(Path folder, ObjectNode given) {
    ObjectNode hints = given.deepCopy();
    mergeMissing(hints, readHints(folder));
    Map<String, List<String>> files = splitFiles(folder, hints);
    ObjectNode out = JSON.createObjectNode();
    ObjectNode splits = out.putObject("splits");
    Example first = null;
    String firstFile = null;
    for (Map.Entry<String, List<String>> e : files.entrySet()) {
      TFRecordCompression compression = null;
      long count = 0;
      for (String f : e.getValue()) {
        Path p = folder.resolve(f);
        if (!Files.isRegularFile(p)) {
          throw new GuildException(
              folder.resolve(HINTS_FILE) + ": split '" + e.getKey() + "' names " + f
                  + ", which is not a file in " + folder);
        }
        TFRecordCompression c = TFRecordReader.detect(p);
        if (compression != null && c != compression) {
          throw new GuildException(
              p + ": compression " + c + " differs from the " + compression
                  + " of the other files of split '" + e.getKey() + "'; write a split in one compression");
        }
        compression = c;
        try (TFRecordReader r = TFRecordReader.open(p, c)) {
          while (r.next()) {
            if (first == null) {
              first = Examples.parse(r.record());
              firstFile = f;
            }
          }
          count += r.records();
        }
      }
      splits.set(e.getKey(), new SplitInfo(e.getKey(), e.getValue(), count, compression).toJson());
    }
    ObjectNode features = out.putObject("features");
    JsonNode hinted = hints.path("features");
    if (first != null) {
      Map<String, org.tensorflow.proto.Feature> sorted = new TreeMap<>(first.getFeatures().getFeatureMap());
      for (Map.Entry<String, org.tensorflow.proto.Feature> f : sorted.entrySet()) {
        ObjectNode spec = FeatureSpec.infer(f.getKey(), f.getValue()).toJson();
        if (hinted.has(f.getKey())) {
          ObjectNode h = ((ObjectNode) hinted.get(f.getKey())).deepCopy();
          mergeMissing(h, spec);
          spec = h;
        }
        FeatureSpec checked = FeatureSpec.fromJson(f.getKey(), spec, folder.resolve(HINTS_FILE).toString());
        try {
          checked.check(first);
        } catch (GuildException ex) {
          throw new GuildException(
              folder.resolve(firstFile) + ", first record: " + ex.getMessage()
                  + "; fix the feature in " + HINTS_FILE, ex);
        }
        features.set(f.getKey(), checked.toJson());
      }
      for (Iterator<String> it = hinted.fieldNames(); it.hasNext(); ) {
        String name = it.next();
        if (!sorted.containsKey(name)) {
          throw new GuildException(
              folder.resolve(HINTS_FILE) + ": feature '" + name + "' is not in the first record of "
                  + folder.resolve(firstFile) + ", which has " + sorted.keySet());
        }
      }
    }
    mergeMissing(hints, out);
    return hints;
  }

  private static ObjectNode readHints(Path folder) {
    Path file = folder.resolve(HINTS_FILE);
    if (!Files.isRegularFile(file)) {
      return JSON.createObjectNode();
    }
    try {
      JsonNode n = JSON.readTree(file.toFile());
      if (n == null || !n.isObject()) {
        throw new GuildException(file + ": not a JSON object");
      }
      return (ObjectNode) n;
    } catch (IOException e) {
      throw new GuildException(file + ": not valid JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
    }
  }

  private static Map<String, List<String>> splitFiles(Path folder, ObjectNode hints) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    JsonNode given = hints.path("splits");
    if (given.isObject() && given.size() > 0) {
      for (Iterator<Map.Entry<String, JsonNode>> it = given.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        out.put(e.getKey(), SplitInfo.fromJson(e.getKey(), e.getValue(), folder.resolve(HINTS_FILE).toString()).files());
      }
      return out;
    }
    Map<String, List<String>> found = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(folder)) {
      walk.filter(Files::isRegularFile)
          .map(p -> folder.relativize(p).toString().replace('\\', '/'))
          .filter(rel -> !rel.startsWith(".") && !rel.contains("/."))
          .sorted()
          .forEach(rel -> {
            String name = rel.substring(rel.lastIndexOf('/') + 1);
            Matcher m = SHARD.matcher(name);
            if (!m.matches()) {
              m = TF_SHARD.matcher(name);
            }
            if (m.matches()) {
              found.computeIfAbsent(m.group("split"), k -> new ArrayList<>()).add(rel);
            }
          });
    } catch (IOException e) {
      throw new GuildException("cannot list dataset folder " + folder + ": " + e.getMessage(), e);
    }
    if (found.isEmpty()) {
      throw new GuildException(
          folder + ": a dataset package needs TFRecord files (SPLIT.tfrecord or"
              + " SPLIT-00000-of-00004.tfrecord, optionally .gz) or splits listed in " + HINTS_FILE);
    }
    out.putAll(found);
    return out;
  }

  /** Adds to {@code target} every key of {@code extra} it lacks, recursing into objects both hold. */
  static void mergeMissing(ObjectNode target, ObjectNode extra) {
    for (Iterator<Map.Entry<String, JsonNode>> it = extra.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode mine = target.get(e.getKey());
      if (mine == null || mine.isNull()) {
        target.set(e.getKey(), e.getValue().deepCopy());
      } else if (mine.isObject() && e.getValue().isObject()) {
        mergeMissing((ObjectNode) mine, (ObjectNode) e.getValue());
      }
    }
  }

  /** Describes a dataset's {@code splits}, {@code features} and {@code classes}. */
  @Override
  public Set<String> summarizedKeys(PackageType type) {
    return type == PackageType.DATASET ? Set.of("splits", "features", "classes") : Set.of();
  }

  /** {@code splits: train 60000, test 10000}, {@code features: image uint8 [28, 28], ...}, the classes. */
  @Override
  public List<SummaryLine> summarize(PackageType type, JsonNode data) {
    List<SummaryLine> out = new ArrayList<>();
    if (type == PackageType.DATASET) {
      SummaryText.add(out, "splits", SummaryText.join(data.path("splits"),
          e -> e.getKey() + " " + e.getValue().path("examples").asText("?")));
      SummaryText.add(out, "features", SummaryText.join(data.path("features"),
          e -> e.getKey() + " " + SummaryText.tensor(e.getValue())));
      SummaryText.add(out, "classes", SummaryText.values(data.path("classes")));
    }
    return out;
  }
}
