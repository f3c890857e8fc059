package org.guildpkg.tf.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.guildpkg.GuildException;
import org.guildpkg.archive.Manifest;
import org.guildpkg.spec.PackageType;
import org.guildpkg.spi.PackageInspector;
import org.guildpkg.spi.SummaryText;
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

  /** Describes a model's {@code signatures}. */
  @Override
  public Set<String> summarizedKeys(PackageType type) {
    return type == PackageType.MODEL ? Set.of("signatures") : Set.of();
  }

  /**
   * One {@code signature: KEY (METHOD): inputs -> outputs} line per signature, marked {@code
   * [changes the model]} when its call changes the variables (or it is {@code train}), and a
   * {@code serving: not served: ...} line naming those, which serving leaves out unless allowed.
   */
  @Override
  public List<SummaryLine> summarize(PackageType type, JsonNode data) {
    List<SummaryLine> out = new ArrayList<>();
    if (type == PackageType.MODEL) {
      List<String> withheld = new ArrayList<>();
      data.path("signatures").fields().forEachRemaining(e -> {
        boolean changes = e.getValue().path("changes_state").asBoolean(false)
            || e.getKey().equals(SignatureEffects.TRAIN);
        if (changes) {
          withheld.add(e.getKey());
        }
        out.add(new SummaryLine("signature",
            e.getKey() + " (" + e.getValue().path("method").asText("?") + "): "
                + SummaryText.join(e.getValue().path("inputs"), t -> t.getKey() + " " + SummaryText.tensor(t.getValue()))
                + " -> " + SummaryText.join(e.getValue().path("outputs"), t -> t.getKey() + " " + SummaryText.tensor(t.getValue()))
                + (changes ? " [changes the model]" : "")));
      });
      if (!withheld.isEmpty()) {
        out.add(new SummaryLine("serving", "not served: " + String.join(", ", withheld)
            + " (they change the model's variables; guild serve --allow-signature NAME serves one)"));
      }
    }
    return out;
  }
}
