package org.guildpkg.tf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import org.guildpkg.GuildException;
import org.guildpkg.GuildPackage;
import org.guildpkg.GuildPackages;
import org.guildpkg.cli.GuildCli;
import org.guildpkg.spec.PackageType;
import org.guildpkg.tf.author.Flags;
import org.guildpkg.tf.project.Datasets;
import org.guildpkg.tf.project.ModelDescriptor;
import org.guildpkg.tf.project.PackageRef;
import org.guildpkg.tf.project.Projects;
import org.guildpkg.tf.project.RunFolder;
import org.guildpkg.tf.project.TrainingJob;
import org.guildpkg.tf.train.ExampleSource;
import org.guildpkg.tf.train.TrainingListener;
import org.guildpkg.tf.transfer.TransferLearning;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code guild train}: trains the project's model code (or fine-tunes a model package) on a
 * dataset's train split into a new run folder {@code runs/ID/}, or resumes a run.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = "Train the model of the project in the current folder (or fine-tune a model package) into runs/ID/.")
public final class TrainCommand implements Callable<Integer> {
  @ParentCommand GuildCli parent;

  @Option(names = "--flag", paramLabel = "NAME=VALUE",
      description = "Set a flag (hyperparameter) of the model; repeatable. 'guild init --template PKG --print-vars' lists them.")
  Map<String, String> flags = new LinkedHashMap<>();

  @Option(names = "--dataset", paramLabel = "SPEC",
      description = "The dataset package to train on (default: the one the model names in model.json or its lineage).")
  String dataset;

  @ArgGroup(exclusive = true)
  Budget budget;

  static final class Budget {
    @Option(names = "--epochs", paramLabel = "N", description = "Passes over the train split (default: the epochs flag).")
    Long epochs;

    @Option(names = "--steps", paramLabel = "N", description = "Optimizer steps in all, instead of epochs.")
    Long steps;
  }

  @Option(names = "--model", paramLabel = "PKG",
      description = "Fine-tune this installed trainable model package instead of the project's code; an image model"
          + " (such as mobilenet-v2+ilsvrc2012) is retrained on --dataset's classes instead (transfer learning, no project needed).")
  String model;

  @Option(names = "--resume", paramLabel = "ID", description = "Continue run ID from its last checkpoint.")
  String resume;

  @Option(names = "--checkpoint-every", paramLabel = "STEPS", defaultValue = "500",
      description = "Steps between checkpoints (default: ${DEFAULT-VALUE}).")
  long checkpointEvery;

  @Option(names = {"-C", "--project"}, paramLabel = "DIR", defaultValue = ".",
      description = "The project folder (default: the current folder).")
  Path project;

  @Option(names = "--json", description = "Print a JSON object {run, model, metrics: {...}} instead of the summary line (default: a line).")
  boolean json;

  /** Creates the command; picocli calls this. */
  public TrainCommand() {}

  @Override
  public Integer call() {
    Path dir = project.toAbsolutePath().normalize();
    ProgressPrinter printer = parent.quiet() ? null : new ProgressPrinter(parent.err(), parent.progressOnTerminal());
    List<TrainingListener> listeners = printer == null ? List.of() : List.of(printer);
    RunFolder run;
    if (resume != null) {
      if (model != null || budget != null || !flags.isEmpty()) {
        throw new GuildException("--resume continues a run as it was: drop --model, --flag, --epochs and --steps");
      }
      RunFolder r = RunFolder.open(Projects.runs(dir), resume);
      TransferLearning.parentOf(r.info()).ifPresent(p -> {
        throw new GuildException(r + " retrained " + p + " (transfer learning), which does not resume;"
            + " start a new run: its features are cached, so it goes straight to training");
      });
      String spec = dataset != null ? dataset : Datasets.specOf(r);
      Datasets.Resolved ds = Datasets.resolve(spec, parent.home(), parent.offline());
      parent.err().println("resuming " + r + " on " + ds.ref());
      run = TrainingJob.resume(Projects.runs(dir), resume, ds.split("train"), listeners);
    } else {
      Optional<Path> code = Optional.empty();
      Optional<Path> base = Optional.empty();
      PackageRef source;
      Map<String, String> baseFlags = Map.of();
      String spec = dataset;
      if (model != null) {
        GuildPackage pkg = GuildPackages.at(parent.home()).offline(parent.offline()).load(model);
        if (pkg.type() != PackageType.MODEL) {
          throw new GuildException(pkg + " is a " + pkg.type() + " package; --model needs a trainable model package");
        }
        if (TransferLearning.isImageModel(pkg)) {
          return transfer(dir, pkg, printer);
        }
        base = Optional.of(pkg.path());
        JsonNode lineage = pkg.manifest().interfaceData().path("lineage");
        source = PackageRef.fromJson(lineage.get("source"))
            .orElse(new PackageRef(pkg.name().value(), pkg.version().value()));
        Map<String, String> bf = new LinkedHashMap<>();
        lineage.path("flags").fields().forEachRemaining(e -> bf.put(e.getKey(), e.getValue().asText()));
        baseFlags = bf;
        if (spec == null) {
          spec = PackageRef.fromJson(lineage.get("dataset")).map(PackageRef::name).orElse(null);
        }
      } else {
        ModelDescriptor d = ModelDescriptor.read(dir);
        Flags.resolve(d.flags(), flags); // a bad flag fails before the dataset loads
        code = Optional.of(dir);
        source = Projects.source(dir);
        if (spec == null) {
          spec = d.dataset().orElse(null);
        }
      }
      if (spec == null) {
        throw new GuildException("no dataset to train on: give --dataset SPEC (the model names none)");
      }
      Datasets.Resolved ds = Datasets.resolve(spec, parent.home(), parent.offline());
      ExampleSource train = ds.split("train");
      parent.err().println("training " + source + " on " + ds.ref() + " (" + train.size() + " examples)");
      run = TrainingJob.start(
          new TrainingJob.Request(
              Projects.runs(dir), code, base, source, baseFlags, ds.ref(), ds.spec(), train, flags,
              budget != null && budget.steps != null ? OptionalLong.of(budget.steps) : OptionalLong.empty(),
              budget != null && budget.epochs != null ? OptionalLong.of(budget.epochs) : OptionalLong.empty(),
              checkpointEvery),
          listeners);
    }
    return report(dir, run);
  }

  /**
   * Transfer learning: the model is an image classifier (it has an image interface), so its
   * features are cached and a new head is trained on the dataset's classes.
   */
  private Integer transfer(Path dir, GuildPackage pkg, ProgressPrinter printer) {
    if (dataset == null) {
      throw new GuildException("retraining " + pkg + " needs the images to learn from: give --dataset SPEC");
    }
    Datasets.Resolved ds = Datasets.resolve(dataset, parent.home(), parent.offline());
    TransferLearning.check(pkg, ds.dataset());
    parent.err().println("retraining " + pkg + " on " + ds.ref() + " (transfer learning)");
    RunFolder run = TransferLearning.start(
        new TransferLearning.Request(
            Projects.runs(dir), pkg, ds.dataset(), ds.ref(), ds.spec(), TransferLearning.cacheFolder(parent.home()),
            flags,
            budget != null && budget.steps != null ? OptionalLong.of(budget.steps) : OptionalLong.empty(),
            budget != null && budget.epochs != null ? OptionalLong.of(budget.epochs) : OptionalLong.empty(),
            checkpointEvery,
            (split, done, total, rate) -> {
              if (printer != null) {
                printer.onFeatures(split, done, total, rate);
              }
            }),
        printer == null ? List.of() : List.of(printer));
    return report(dir, run);
  }

  private Integer report(Path dir, RunFolder run) {
    ObjectNode m = run.metrics();
    if (json) {
      ObjectNode o = m.objectNode();
      o.put("run", run.id());
      o.put("model", run.model().toAbsolutePath().toString());
      o.set("metrics", m);
      parent.printJson(o);
      return 0;
    }
    String accuracy = m.has("accuracy")
        ? String.format(Locale.ROOT, ", %s accuracy %.4f", m.path("split").asText("test"), m.path("accuracy").asDouble())
        : "";
    parent.out().println(String.format(Locale.ROOT,
        "run %s: %d steps, train loss %.4f, %.0f examples/s%s; model in %s",
        run.id(), m.path("steps").asLong(), m.path("train_loss").asDouble(),
        m.path("examples_per_second").asDouble(), accuracy, dir.relativize(run.model())));
    return 0;
  }
}
