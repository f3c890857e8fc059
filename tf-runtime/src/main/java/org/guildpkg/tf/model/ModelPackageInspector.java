package org.guildpkg.tf.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import org.guildpkg.GuildException;
import org.guildpkg.archive.Manifest;
import org.guildpkg.spec.PackageType;
import org.guildpkg.spi.PackageInspector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records a model package's signatures in its manifest while {@code guild package} packs it, and
 * refuses a model package whose {@code $pkgdir} holds no loadable SavedModel.
 *
 * <p>The SavedModel must be at {@code $pkgdir}'s root ({@code saved_model.pb}, {@code variables/},
 * {@code assets/}), where the store's package folder will have it. The signatures go under the
 * interface data's {@code "signatures"} key in the form {@link ModelSignature#toJson(java.util.List)}
 * writes; a {@code "signatures"} key already there is kept.
 */
public final class ModelPackageInspector implements PackageInspector {
  private static final Logger LOG = LoggerFactory.getLogger(ModelPackageInspector.class);

  /** Creates the inspector; {@link java.util.ServiceLoader} calls this. */
  public ModelPackageInspector() {}

  @Override
  public void inspect(Manifest manifest, Path pkgdir, ObjectNode interfaceData) {
    if (manifest.type() != PackageType.MODEL) {
      return;
    }
    String what = "model package " + manifest.name() + "@" + manifest.version();
    try (SavedModel model = SavedModel.open(pkgdir, what + " (" + pkgdir + ")")) {
      if (model.signatures().isEmpty()) {
        throw new GuildException(
            what + ": the SavedModel in " + pkgdir + " has no signatures, so nothing can call it;"
                + " export it with at least a serving_default signature");
      }
      if (!interfaceData.has("signatures")) {
        ObjectNode sigs = ModelSignature.toJson(model.signatures());
        // What serving needs to know before it loads the model: which calls change it.
        model.stateChangingSignatures().forEach(k -> ((ObjectNode) sigs.get(k)).put("changes_state", true));
        interfaceData.set("signatures", sigs);
      }
      LOG.debug("{}: signatures {}", what, model.signatures());
    } catch (GuildException e) {
      if (e.getMessage().startsWith(what)) {
        throw e;
      }
      throw new GuildException(
          what + ": " + e.getMessage()
              + "; a model package's packager must put saved_model.pb and variables/ at the root"
              + " of $pkgdir", e);
    }
  }
}
