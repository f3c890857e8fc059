package org.guildpkg.tf.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.guildpkg.GuildException;
import org.guildpkg.GuildPackage;
import org.guildpkg.GuildPackages;
import org.guildpkg.cli.GuildCli;
import org.guildpkg.tf.project.Datasets;
import org.guildpkg.tf.project.PackageRef;
import org.guildpkg.tf.project.Projects;
import org.guildpkg.tf.project.RunFolder;
import org.guildpkg.tf.project.RunPackage;
import org.guildpkg.tf.train.Evaluation;
import org.guildpkg.tf.train.Evaluator;
import org.guildpkg.tf.train.ExampleSource;
import org.guildpkg.tf.train.TrainableModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code guild evaluate}: a run's (or a model package's) loss, accuracy, per-class accuracy and
 * confusion matrix on a dataset split, saved to the run's {@code metrics.json}.
 */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description = "Evaluate a run's model (default: the latest run of the project) or a model package on a dataset split.")
public final class EvaluateCommand implements Callable<Integer> {
  @ParentCommand GuildCli parent;

  @Parameters(index = "0", arity = "0..1", paramLabel = "RUN", description = "The run ID (default: the latest run).")
  String runId;

  @Option(names = "--model", paramLabel = "PKG", description = "Evaluate this installed model package instead of a run.")
  String model;

  @Option(names = "--dataset", paramLabel = "SPEC",
      description = "The dataset package (default: the one the run or model was trained on).")
  String dataset;

  @Option(names = "--split", defaultValue = "test", description = "The split to evaluate on (default: ${DEFAULT-VALUE}).")
  String split;

  @Option(names = "--batch-size", defaultValue = "1000", description = "Examples per evaluation batch (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--json", description = "Print the metrics as JSON (accuracy as a number).")
  boolean json;

  @Option(names = {"-C", "--project"}, paramLabel = "DIR", defaultValue = ".",
      description = "The project folder holding runs/ (default: the current folder).")
  Path project;

  /** Creates the command; picocli calls this. */
  public EvaluateCommand() {}

  @Override
  public Integer call() {
    Path modelDir;
    String spec = dataset;
    RunFolder run = null;
    if (model != null) {
      if (runId != null) {
        throw new GuildException("give a RUN or --model, not both");
      }
      GuildPackage pkg = GuildPackages.at(parent.home()).offline(parent.offline()).load(model);
      modelDir = pkg.path();
      if (spec == null) {
        spec = PackageRef.fromJson(pkg.manifest().interfaceData().path("lineage").get("dataset"))
            .map(PackageRef::name).orElseThrow(() ->
                new GuildException(pkg + " records no dataset in its lineage; give --dataset"));
      }
    } else {
      Path runs = Projects.runs(project.toAbsolutePath().normalize());
      run = runId != null ? RunFolder.open(runs, runId) : RunFolder.latest(runs).orElseThrow(() ->
          new GuildException("no runs in " + runs + ": train one with 'guild train' or give --model PKG"));
      if (!run.completed()) {
        throw new GuildException(run + " has not finished: resume it with 'guild train --resume " + run.id() + "'");
      }
      modelDir = run.model();
      if (spec == null) {
        spec = Datasets.specOf(run);
      }
    }
    Datasets.Resolved ds = Datasets.resolve(spec, parent.home(), parent.offline());
    ExampleSource data = ds.split(split);
    Evaluation e;
    try (TrainableModel m = TrainableModel.load(modelDir)) {
      e = Evaluator.evaluate(m, data, batchSize, n -> {});
    }
    ObjectNode metrics = e.toJson();
    metrics.put("split", split);
    metrics.set("dataset", ds.ref().toJson());
    if (run != null) {
      run.mergeMetrics(metrics);
      RunPackage.write(run);
    }
    PrintWriter out = parent.out();
    if (json) {
      out.println(metrics.toPrettyString());
    } else {
      print(out, e, ds.ref() + " " + split);
    }
    out.flush();
    return 0;
  }

  /**
   * Prints an evaluation as {@code guild evaluate} does (accuracy and loss to four places, per-class
   * accuracy, the confusion matrix); {@code guild spark evaluate} prints through it too, so the two
   * compare line by line.
   *
   * @param what names the dataset and split, such as {@code fashion-mnist@1.0 test}
   */
  public static void print(PrintWriter out, Evaluation e, String what) {
    out.printf(Locale.ROOT, "accuracy %.4f  loss %.4f  on %d examples (%s)%n", e.accuracy(), e.loss(), e.examples(), what);
    out.println("per-class accuracy:");
    e.perClassAccuracy().forEach((k, v) -> out.printf(Locale.ROOT, "  %-14s %.4f%n", k, v));
    out.println("confusion matrix (rows: true class, columns: predicted):");
    for (long[] row : e.confusion()) {
      StringBuilder b = new StringBuilder(" ");
      for (long v : row) {
        b.append(String.format(Locale.ROOT, " %5d", v));
      }
      out.println(b);
    }
  }
}
