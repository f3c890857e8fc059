package org.guildpkg.build;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.guildpkg.GuildException;
import org.guildpkg.archive.Manifest;
import org.guildpkg.spi.PackageInspector;

/**
 * A real {@link PackageInspector} registered for core's tests: it acts only on packages named
 * {@code inspector-test*}, listing their top-level files, and rejects a package holding
 * {@code reject.me}, as tf-runtime's inspectors reject a model without a SavedModel.
 */
public final class TestInspector implements PackageInspector {
  @Override
  public void inspect(Manifest manifest, Path pkgdir, ObjectNode interfaceData) {
    if (!manifest.name().value().startsWith("inspector-test")) {
      return;
    }
    if (Files.exists(pkgdir.resolve("reject.me"))) {
      throw new GuildException(manifest.id() + ": reject.me found in " + pkgdir);
    }
    ArrayNode files = interfaceData.putArray("topLevelFiles");
    try (var s = Files.list(pkgdir)) {
      s.map(p -> p.getFileName().toString()).sorted().forEach(files::add);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
