package org.guildpkg.tf.project;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.guildpkg.GuildException;
import org.guildpkg.archive.Manifest;
import org.guildpkg.spec.PackageType;
import org.guildpkg.spi.PackageInspector;

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
}
