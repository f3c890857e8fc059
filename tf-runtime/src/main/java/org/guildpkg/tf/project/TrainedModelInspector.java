package org.guildpkg.tf.project;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.guildpkg.GuildException;
import org.guildpkg.archive.Manifest;
import org.guildpkg.spec.PackageType;
import org.guildpkg.spi.PackageInspector;
import org.guildpkg.spi.SummaryText;

/**
 * Copies a trained model package's lineage, metrics and class names from its
 * {@code training.json} (written by {@code guild train} and {@code guild evaluate}, see
 * {@code RunPackage}) into the manifest's interface data while it is packed.
 */
public final class TrainedModelInspector implements PackageInspector {
  /** Creates the inspector; {@link java.util.ServiceLoader} calls this. */
  public TrainedModelInspector() {}

  @Override
  public void inspect(Manifest manifest, Path pkgdir, ObjectNode interfaceData) {
    Path f = pkgdir.resolve(RunPackage.TRAINING_FILE);
    if (manifest.type() != PackageType.MODEL || !Files.isRegularFile(f)) {
      return;
    }
    JsonNode t;
    try {
      t = RunFolder.JSON.readTree(f.toFile());
    } catch (IOException e) {
      throw new GuildException(manifest.id() + ": " + RunPackage.TRAINING_FILE + " is not valid JSON: " + e.getMessage(), e);
    }
    for (String key : new String[] {"lineage", "metrics", "classes"}) {
      if (!interfaceData.has(key) && t.has(key)) {
        interfaceData.set(key, t.get(key).deepCopy());
      }
    }
  }

  /** Describes a trained model's {@code lineage}, {@code metrics} and {@code classes}. */
  @Override
  public Set<String> summarizedKeys(PackageType type) {
    return type == PackageType.MODEL ? Set.of("lineage", "metrics", "classes") : Set.of();
  }

  /** {@code trained from: SOURCE on DATASET} (or {@code retrained from: PARENT on DATASET}), {@code metrics: accuracy 0.9, ...}, the classes. */
  @Override
  public List<SummaryLine> summarize(PackageType type, JsonNode data) {
    List<SummaryLine> out = new ArrayList<>();
    if (type == PackageType.MODEL) {
      JsonNode lineage = data.path("lineage");
      if (lineage.path("parent").isObject()) {
        SummaryText.add(out, "retrained from",
            SummaryText.id(lineage.path("parent")) + " on " + SummaryText.id(lineage.path("dataset"))
                + " (parent sha256 " + lineage.path("parent").path("sha256").asText("?") + ")");
      } else if (lineage.isObject()) {
        SummaryText.add(out, "trained from",
            SummaryText.id(lineage.path("source")) + " on " + SummaryText.id(lineage.path("dataset")));
      }
      SummaryText.add(out, "metrics", SummaryText.join(data.path("metrics"), e -> e.getKey() + " " + e.getValue().asText()));
      SummaryText.add(out, "classes", SummaryText.values(data.path("classes")));
    }
    return out;
  }
}
