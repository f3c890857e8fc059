package org.guildpkg.tf.project;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * Records a source package's flags and default dataset (from its {@code model.json}) in the
 * manifest's interface data while it is packed, and refuses a source package whose model.json
 * is broken.
 */
public final class SourcePackageInspector implements PackageInspector {
  /** Creates the inspector; {@link java.util.ServiceLoader} calls this. */
  public SourcePackageInspector() {}

  @Override
  public void inspect(Manifest manifest, Path pkgdir, ObjectNode interfaceData) {
    if (manifest.type() != PackageType.SOURCE || !Files.isRegularFile(pkgdir.resolve(ModelDescriptor.FILE))) {
      return;
    }
    ModelDescriptor d;
    try {
      d = ModelDescriptor.read(pkgdir);
    } catch (GuildException e) {
      throw new GuildException(manifest.id() + ": " + e.getMessage(), e);
    }
    if (!interfaceData.has("flags")) {
      interfaceData.set("flags", d.flagsJson());
    }
    if (!interfaceData.has("dataset")) {
      String ds = d.dataset().orElse(
          manifest.requires().isEmpty() ? "" : manifest.requires().get(0).name().value());
      if (!ds.isEmpty()) {
        interfaceData.put("dataset", ds);
      }
    }
    interfaceData.put("model", d.modelClass());
  }

  /** Describes a source package's {@code flags} and {@code dataset}. */
  @Override
  public Set<String> summarizedKeys(PackageType type) {
    return type == PackageType.SOURCE ? Set.of("flags", "dataset") : Set.of();
  }

  /** {@code flags: NAME=DEFAULT (TYPE), ...} and the dataset the model code expects. */
  @Override
  public List<SummaryLine> summarize(PackageType type, JsonNode data) {
    List<SummaryLine> out = new ArrayList<>();
    if (type == PackageType.SOURCE) {
      SummaryText.add(out, "flags", SummaryText.join(data.path("flags"), e -> e.getKey() + "="
          + e.getValue().path("default").asText("") + " (" + e.getValue().path("type").asText("string") + ")"));
      SummaryText.add(out, "dataset", data.path("dataset").asText(""));
    }
    return out;
  }
}
