package org.guildpkg.tf.imports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.guildpkg.GuildException;
import org.guildpkg.archive.Manifest;
import org.guildpkg.spec.PackageType;
import org.guildpkg.spi.PackageInspector;

/**
 * Copies an imported image classifier's image interface and class names from its {@value
 * ImageModelExport#INTERFACE_FILE} (written by {@code guild model import}) into the manifest's
 * interface data ({@code "image"} and {@code "classes"}) while its package is packed.
 */
public final class ImageModelInspector implements PackageInspector {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Creates the inspector; {@link java.util.ServiceLoader} calls this. */
  public ImageModelInspector() {}

  @Override
  public void inspect(Manifest manifest, Path pkgdir, ObjectNode interfaceData) {
    Path f = pkgdir.resolve(ImageModelExport.INTERFACE_FILE);
    if (manifest.type() != PackageType.MODEL || !Files.isRegularFile(f)) {
      return;
    }
    JsonNode t;
    try {
      t = JSON.readTree(f.toFile());
    } catch (IOException e) {
      throw new GuildException(manifest.id() + ": " + ImageModelExport.INTERFACE_FILE + " is not valid JSON: " + e.getMessage(), e);
    }
    ImageInterface.fromJson(t.path("image"), manifest.id() + ": " + ImageModelExport.INTERFACE_FILE);
    for (String key : new String[] {"image", "classes", "imported_from"}) {
      if (!interfaceData.has(key) && t.has(key)) {
        interfaceData.set(key, t.get(key).deepCopy());
      }
    }
  }
}
