package org.guildpkg.tf.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.guildpkg.GuildException;
import org.guildpkg.GuildPackage;
import org.guildpkg.archive.Manifest;
import org.guildpkg.spec.PackageType;

/**
 * A dataset package's view: its splits of {@code tf.train.Example} TFRecords, its features and
 * class names, as its manifest describes them.
 *
 * <pre>{@code
 * Dataset data = GuildPackages.load("fashion-mnist").as(Dataset.class);
 * try (BatchIterator it = data.split("train").batches(128).shuffle(10_000, 42).iterator()) {
 *   while (it.hasNext()) {
 *     try (Batch b = it.next()) { model.train(b.tensors()); }
 *   }
 * }
 * }</pre>
 *
 * <p>A Dataset holds no open files (iterators do), so it need not be closed. Thread-safe.
 */
public final class Dataset {
  private final Path folder;
  private final Map<String, SplitInfo> splits;
  private final Map<String, FeatureSpec> features;
  private final List<String> classes;

  private Dataset(Path folder, ObjectNode data, String where) {
    this.folder = folder;
    Map<String, SplitInfo> s = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = data.path("splits").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      s.put(e.getKey(), SplitInfo.fromJson(e.getKey(), e.getValue(), where));
    }
    if (s.isEmpty()) {
      throw new GuildException(where + ": the dataset has no splits");
    }
    Map<String, FeatureSpec> f = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = data.path("features").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      f.put(e.getKey(), FeatureSpec.fromJson(e.getKey(), e.getValue(), where));
    }
    List<String> c = new ArrayList<>();
    data.path("classes").forEach(n -> c.add(n.asText()));
    this.splits = java.util.Collections.unmodifiableMap(s);
    this.features = java.util.Collections.unmodifiableMap(f);
    this.classes = List.copyOf(c);
  }

  /**
   * Opens a dataset folder: a package folder (described by its manifest) or a
   * folder of TFRecords (described by its {@code dataset.json} and by reading the files, as
   * packaging would).
   *
   * @throws GuildException when the folder is not a dataset
   */
  public static Dataset open(Path folder) {
    Optional<GuildPackage> pkg = GuildPackage.tryOpen(folder);
    if (pkg.isPresent()) {
      return of(pkg.get().manifest(), folder, folder.toString());
    }
    if (!Files.isDirectory(folder)) {
      throw new GuildException("dataset folder " + folder + " does not exist");
    }
    ObjectNode data = DatasetInspector.describe(folder, DatasetInspector.JSON.createObjectNode());
    return new Dataset(folder, data, folder.toString());
  }

  /** Opens the view of an installed dataset package. */
  public static Dataset of(GuildPackage pkg) {
    return of(pkg.manifest(), pkg.path(), pkg.toString());
  }

  private static Dataset of(Manifest m, Path folder, String where) {
    if (m.type() != PackageType.DATASET) {
      throw new GuildException(where + ": package " + m.name() + "@" + m.version() + " is a " + m.type()
          + " package, not a dataset");
    }
    return new Dataset(folder, m.interfaceData(), where);
  }

  /** The folder holding the dataset's files. */
  public Path folder() {
    return folder;
  }

  /** The class names, index = label value; empty when the dataset names none. */
  public List<String> classes() {
    return classes;
  }

  /** The features by name, in manifest order. */
  public Map<String, FeatureSpec> features() {
    return features;
  }

  /** The splits by name, in manifest order. */
  public Map<String, SplitInfo> splits() {
    return splits;
  }

  /**
   * One split, such as {@code "train"}.
   *
   * @throws GuildException naming the splits that exist when there is no such split
   */
  public Split split(String name) {
    SplitInfo info = splits.get(name);
    if (info == null) {
      throw new GuildException(
          "dataset " + folder + " has no split '" + name + "'; its splits: "
              + String.join(", ", splits.keySet()));
    }
    return new Split(this, info);
  }

  @Override
  public String toString() {
    return "Dataset[" + folder + ", splits " + splits.keySet() + ", features " + features.keySet() + "]";
  }
}
