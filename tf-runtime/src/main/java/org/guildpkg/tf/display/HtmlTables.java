package org.guildpkg.tf.display;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.guildpkg.GuildException;
import org.guildpkg.GuildPackage;
import org.guildpkg.tf.data.Dataset;
import org.guildpkg.tf.data.FeatureSpec;
import org.guildpkg.tf.data.SplitInfo;
import org.guildpkg.tf.model.ModelSignature;
import org.guildpkg.tf.model.SavedModel;
import org.guildpkg.tf.model.TensorSpec;

/**
 * A model's signatures and a dataset's features, splits and classes as HTML tables (with the same
 * tables as aligned text for consoles), for notebooks.
 *
 * <pre>{@code
 * MimeBundle sigs = HtmlTables.signatures(model);   // signature, method, input/output, name, dtype, shape
 * MimeBundle data = HtmlTables.dataset(dataset);    // features, splits, classes
 * }</pre>
 */
public final class HtmlTables {

  private HtmlTables() {}

  /**
   * The signatures of {@code model}: one row per input and output, with its dtype and shape,
   * under a title that names the model (its package, or its folder).
   */
  public static MimeBundle signatures(SavedModel model) {
    return signatures("Signatures of " + modelName(model.path()), model.signatures());
  }

  /** NAME@VERSION from a model package's manifest, else the folder's name. */
  private static String modelName(Path folder) {
    try {
      Optional<GuildPackage> pkg = GuildPackage.tryOpen(folder);
      if (pkg.isPresent()) {
        return pkg.get().toString();
      }
    } catch (GuildException e) {
      // A title is not worth failing for: fall back to the folder's name.
    }
    return String.valueOf(folder.getFileName());
  }

  /** The given signatures under {@code title}: one row per input and output. */
  public static MimeBundle signatures(String title, Collection<ModelSignature> signatures) {
    Table t = new Table(title, "signature", "method", "kind", "name", "dtype", "shape");
    for (ModelSignature s : signatures) {
      String method = s.methodName().isEmpty() ? "-" : s.methodName();
      rows(t, s.key(), method, "input", s.inputs());
      rows(t, s.key(), method, "output", s.outputs());
    }
    return bundle(List.of(t));
  }

  private static void rows(Table t, String key, String method, String kind, Map<String, TensorSpec> specs) {
    specs.forEach((name, spec) -> t.row(key, method, kind, name, spec.dtype(), spec.shapeText()));
  }

  /**
   * A dataset's features (name, dtype, shape per example, encoding), splits (examples and files)
   * and class names (label value and name), each as a table.
   */
  public static MimeBundle dataset(Dataset dataset) {
    List<Table> tables = new ArrayList<>();
    Table f = new Table("Features", "feature", "dtype", "shape", "encoding");
    for (FeatureSpec s : dataset.features().values()) {
      f.row(s.name(), s.dtype().id(), s.shape(), s.encoding());
    }
    tables.add(f);
    Table s = new Table("Splits", "split", "examples", "files", "compression");
    for (SplitInfo i : dataset.splits().values()) {
      s.row(i.name(), i.examples(), i.files().size(), i.compression().id());
    }
    tables.add(s);
    if (!dataset.classes().isEmpty()) {
      Table c = new Table("Classes", "label", "class");
      for (int i = 0; i < dataset.classes().size(); i++) {
        c.row(i, dataset.classes().get(i));
      }
      tables.add(c);
    }
    return bundle(tables);
  }

  private static MimeBundle bundle(List<Table> tables) {
    StringBuilder html = new StringBuilder("<div class=\"guild-tables\">");
    StringBuilder text = new StringBuilder();
    for (Table t : tables) {
      html.append(t.html());
      if (text.length() > 0) {
        text.append('\n');
      }
      text.append(t.text());
    }
    return MimeBundle.html(text.toString().stripTrailing(), html.append("</div>").toString());
  }
}
