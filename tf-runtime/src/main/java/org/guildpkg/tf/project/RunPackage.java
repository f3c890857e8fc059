package org.guildpkg.tf.project;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import org.guildpkg.GuildException;

/**
 * Makes a finished run a package folder: {@code runs/ID/GuildPkg}, a {@code packager} that puts
 * the exported SavedModel and {@code training.json} in the package, and {@code training.json}
 * itself (lineage: source, dataset, flags; metrics; class names). So {@code guild package runs/ID}
 * (or {@code guild package --run ID}) builds the model package {@code SOURCE+DATASET}, for
 * example {@code fashion-mnist-convnet+fashion-mnist}, with no further step. Its version is the
 * source's version + the run number unless the user chooses one ({@code guild package --run ID
 * --version X}, see {@code docs/versions.md}).
 */
public final class RunPackage {
  /** The file that carries lineage, metrics and classes into the package. */
  public static final String TRAINING_FILE = "training.json";

  private static final String PACKAGER = """
      # Packager of a trained model, written by guild train: the exported trainable SavedModel
      # and its lineage and metrics (training.json).
      package() {
        cp -R "$startdir/model/." "$pkgdir/"
        install -m 0644 "$startdir/training.json" "$pkgdir/training.json"
      }
      """;

  private RunPackage() {}

  /** The model package's name: the source's name without {@code -src}, {@code +}, the dataset's. */
  public static String packageName(PackageRef source, PackageRef dataset) {
    String s = source.name().endsWith("-src")
        ? source.name().substring(0, source.name().length() - 4)
        : source.name();
    return s + "+" + dataset.name();
  }

  /**
   * A retrained (transfer-learning) model's name: the parent's name up to its {@code +}, {@code +},
   * the dataset's, such as {@code mobilenet-v2+cifar10}.
   */
  public static String retrainedName(PackageRef parent, PackageRef dataset) {
    int plus = parent.name().indexOf('+');
    return (plus > 0 ? parent.name().substring(0, plus) : parent.name()) + "+" + dataset.name();
  }

  /**
   * (Re)writes the run's GuildPkg, packager and training.json from its run.json, flags.json and
   * metrics.json.
   */
  public static void write(RunFolder run) {
    ObjectNode info = run.info();
    PackageRef source = PackageRef.fromJson(info.get("source")).orElseThrow(() ->
        new GuildException(run + ": run.json names no source"));
    PackageRef dataset = PackageRef.fromJson(info.get("dataset")).orElseThrow(() ->
        new GuildException(run + ": run.json names no dataset"));
    ObjectNode training = JsonNodeFactory.instance.objectNode();
    ObjectNode lineage = training.putObject("lineage");
    lineage.set("source", source.toJson());
    lineage.set("dataset", dataset.toJson());
    ObjectNode flags = lineage.putObject("flags");
    run.flags().forEach(flags::put);
    boolean retrained = info.path("parent").isObject();
    if (retrained) {
      lineage.set("parent", info.get("parent"));
    }
    if (info.hasNonNull("base_model")) {
      lineage.set("base_model", info.get("base_model"));
    }
    lineage.put("run", run.id());
    ObjectNode metrics = run.metrics();
    metrics.remove("dataset");
    metrics.remove("classes");
    training.set("metrics", metrics);
    if (info.get("classes") instanceof ArrayNode classes) {
      training.set("classes", classes);
    }
    String version = versionOf(source) + "." + run.id();
    String accuracy = metrics.has("accuracy")
        ? String.format(Locale.ROOT, ", %s accuracy %.4f", metrics.path("split").asText("test"), metrics.get("accuracy").asDouble())
        : "";
    String guildPkg = "; Written by guild train for " + run + ". Build it with: guild package --run " + run.id()
        + " [--version X] (default version: the source's + the run number)\n"
        + "[package]\n"
        + "name = " + (retrained ? retrainedName(source, dataset) : packageName(source, dataset)) + "\n"
        + "version = " + version + "\n"
        + "type = model\n"
        + "description = " + source.name() + " " + source.version() + (retrained ? " retrained on " : " trained on ") + dataset.name()
        + " " + dataset.version() + accuracy + "\n"
        + "tags = trained " + dataset.name() + "\n"
        + "packager = packager\n";
    try {
      atomicWrite(run.path().resolve(TRAINING_FILE), training.toPrettyString() + "\n");
      atomicWrite(run.path().resolve("packager"), PACKAGER);
      atomicWrite(run.path().resolve("GuildPkg"), guildPkg);
    } catch (IOException e) {
      throw new GuildException(run + ": cannot write its package definition: " + e.getMessage(), e);
    }
  }

  private static String versionOf(PackageRef source) {
    return source.version().matches("\\d+(\\.\\d+)*") ? source.version() : "0";
  }

  private static void atomicWrite(Path f, String text) throws IOException {
    Path tmp = f.resolveSibling("." + f.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
