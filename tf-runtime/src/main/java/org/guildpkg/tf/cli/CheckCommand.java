package org.guildpkg.tf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.guildpkg.GuildException;
import org.guildpkg.GuildPackages;
import org.guildpkg.PackageFolder;
import org.guildpkg.cli.GuildCli;
import org.guildpkg.tf.model.FeatureCheck;
import org.guildpkg.tf.model.SavedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code guild check MODEL DATASET}: does the model accept the dataset's features? */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = {
      "Check that a model's serving_default (and train, when present) signature accepts a"
          + " dataset's features: prints each input against the feature of its name, and exits 1"
          + " on a mismatch."
    })
final class CheckCommand implements Callable<Integer> {
  @ParentCommand GuildCli parent;

  @Parameters(
      index = "0",
      paramLabel = "MODEL",
      description = "An installed model package (NAME or NAME@VERSION) or a SavedModel folder.")
  String modelSpec;

  @Parameters(
      index = "1",
      paramLabel = "DATASET",
      description = "An installed dataset package or a dataset package folder.")
  String datasetSpec;

  @Override
  public Integer call() {
    PackageFolder data = GuildPackages.at(parent.home()).offline(parent.offline()).resolve(datasetSpec);
    JsonNode features = data.pkg()
        .map(p -> p.manifest().interfaceData().path("features"))
        .filter(JsonNode::isObject)
        .orElseThrow(() -> new GuildException(
            data.label() + " has no features in its manifest (interface.features);"
                + " is it a dataset package?"));
    PackageFolder modelRef = GuildPackages.at(parent.home()).offline(parent.offline()).resolve(modelSpec);
    List<FeatureCheck.Match> matches;
    try (SavedModel model = SavedModel.open(modelRef.folder())) {
      matches = FeatureCheck.check(model, features);
    }
    PrintWriter out = parent.out();
    String fmt = "%-16s %-12s %-22s %-3s %-12s %-22s %s%n";
    out.printf(fmt, "SIGNATURE", "INPUT", "INPUT TYPE", "", "FEATURE", "FEATURE TYPE", "RESULT");
    for (FeatureCheck.Match m : matches) {
      out.printf(fmt, m.signature(), m.input(), m.spec(), "<-",
          m.feature().map(FeatureCheck.Feature::name).orElse("-"),
          m.feature().map(Object::toString).orElse("-"),
          m.problem().map(p -> "MISMATCH: " + p).orElse("ok"));
    }
    out.flush();
    List<FeatureCheck.Match> bad = matches.stream().filter(m -> !m.ok()).toList();
    if (!bad.isEmpty()) {
      FeatureCheck.Match first = bad.get(0);
      throw new GuildException(
          modelRef.label() + " does not accept " + data.label() + ": " + first.signature()
              + " input '" + first.input() + "': " + first.problem().orElseThrow()
              + (bad.size() > 1 ? " (and " + (bad.size() - 1) + " more)" : ""));
    }
    return 0;
  }
}
