package org.guildpkg.tf.project;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.guildpkg.GuildException;
import org.guildpkg.archive.Manifest;
import org.guildpkg.spec.PackageType;
import org.guildpkg.spi.PackageInspector;

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
}
