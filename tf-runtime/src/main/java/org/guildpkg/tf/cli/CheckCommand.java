package org.guildpkg.tf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import picocli.CommandLine.Option;
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

  @Option(names = "--json", description = "Print a JSON object {model, dataset, ok, inputs: [{signature, input, input_type, feature, feature_type, problem}]} instead of a table; still exits 1 on a mismatch (default: table).")
  boolean json;

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
    if (json) {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      o.put("model", modelRef.label());
      o.put("dataset", data.label());
      o.put("ok", matches.stream().allMatch(FeatureCheck.Match::ok));
      ArrayNode inputs = o.putArray("inputs");
      for (FeatureCheck.Match m : matches) {
        ObjectNode i = inputs.addObject();
        i.put("signature", m.signature());
        i.put("input", m.input());
        i.put("input_type", m.spec().toString());
        i.put("feature", m.feature().map(FeatureCheck.Feature::name).orElse(null));
        i.put("feature_type", m.feature().map(Object::toString).orElse(null));
        i.put("problem", m.problem().orElse(null));
      }
      parent.printJson(o);
    }
    String fmt = "%-16s %-12s %-22s %-3s %-12s %-22s %s%n";
    if (!json) {
      out.printf(fmt, "SIGNATURE", "INPUT", "INPUT TYPE", "", "FEATURE", "FEATURE TYPE", "RESULT");
    }
    for (FeatureCheck.Match m : json ? List.<FeatureCheck.Match>of() : matches) {
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
