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
import org.guildpkg.tf.project.DataSelection;
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

  @Option(names = "--split", paramLabel = "SPLIT", defaultValue = "train",
      description = "The split to train on, or a slice of one as in TensorFlow Datasets: train[:90%%], train[1000:] (default: ${DEFAULT-VALUE}).")
  String split;

  @Option(names = "--validation", paramLabel = "FRACTION|SPLIT",
      description = "Hold out examples to evaluate while training: a fraction of the training examples (0.1, chosen by the seed flag)"
          + " or a split or slice (test, train[90%%:]); val_loss and val_accuracy go to metrics.json and TensorBoard (default: none).")
  String validation;

  @Option(names = "--validate-every", paramLabel = "STEPS",
      description = "Steps between validations; the last step is validated too (default: --checkpoint-every).")
  Long validateEvery;

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
      if (model != null || budget != null || !flags.isEmpty() || !split.equals("train") || validation != null
          || validateEvery != null) {
        throw new GuildException("--resume continues a run as it was: drop --model, --flag, --epochs, --steps, --split"
            + " and --validation");
      }
      RunFolder r = RunFolder.open(Projects.runs(dir), resume);
      TransferLearning.parentOf(r.info()).ifPresent(p -> {
        throw new GuildException(r + " retrained " + p + " (transfer learning), which does not resume;"
            + " start a new run: its features are cached, so it goes straight to training");
      });
      String spec = dataset != null ? dataset : Datasets.specOf(r);
      Datasets.Resolved ds = Datasets.resolve(spec, parent.home(), parent.offline());
      parent.err().println("resuming " + r + " on " + ds.ref());
      // The examples the run trained on and held out, as it recorded them.
      DataSelection.Chosen data = DataSelection.fromJson(r.info().get("data")).choose(ds);
      long every = r.info().path("validate_every").asLong(r.info().path("checkpoint_every").asLong(checkpointEvery));
      run = stoppable(stop -> TrainingJob.resume(Projects.runs(dir), resume, data.train(), listeners,
          new TrainingJob.Extras(stop, Optional.empty(), data.validation().map(v -> v), every)));
    } else {
      Optional<Path> code = Optional.empty();
      Optional<Path> base = Optional.empty();
      PackageRef source;
      Map<String, String> baseFlags = Map.of();
      String spec = dataset;
      long seed;
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
        seed = seedOf(flags.getOrDefault("seed", bf.getOrDefault("seed", "1")));
        if (spec == null) {
          spec = PackageRef.fromJson(lineage.get("dataset")).map(PackageRef::name).orElse(null);
        }
      } else {
        ModelDescriptor d = ModelDescriptor.read(dir);
        // A bad flag fails before the dataset loads.
        seed = Flags.resolve(d.flags(), flags).getInt("seed", 1);
        code = Optional.of(dir);
        source = Projects.source(dir);
        if (spec == null) {
          spec = d.dataset().orElse(null);
        }
      }
      if (spec == null) {
        throw new GuildException("no dataset to train on: give --dataset SPEC (the model names none)");
      }
      DataSelection selection = DataSelection.parse(split, validation, seed); // a bad spec fails here
      Datasets.Resolved ds = Datasets.resolve(spec, parent.home(), parent.offline());
      DataSelection.Chosen data = selection.choose(ds);
      ExampleSource train = data.train();
      parent.err().println("training " + source + " on " + ds.ref() + " (" + train.size() + " examples"
          + data.validation().map(v -> ", " + v.size() + " held out for validation").orElse("") + ")");
      TrainingJob.Request request =
          new TrainingJob.Request(
              Projects.runs(dir), code, base, source, baseFlags, ds.ref(), ds.spec(), train, flags,
              budget != null && budget.steps != null ? OptionalLong.of(budget.steps) : OptionalLong.empty(),
              budget != null && budget.epochs != null ? OptionalLong.of(budget.epochs) : OptionalLong.empty(),
              checkpointEvery);
      long every = validateEvery != null ? validateEvery : checkpointEvery;
      run = stoppable(stop -> TrainingJob.start(request, listeners,
          new TrainingJob.Extras(stop, Optional.of(selection), data.validation().map(v -> v), every)));
    }
    if (stopped.getAsBoolean() && run.info().path("status").asText().equals("terminated")) {
      parent.err().println("run " + run.id() + " terminated at step " + run.info().path("steps").asLong()
          + ", checkpoint saved; resume with: " + resumeCommand(dir, run.id()));
      parent.err().flush();
      return stopped.exitStatus();
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
        "run %s: %d steps, train loss %.4f, %.0f examples/s%s%s; model in %s",
        run.id(), m.path("steps").asLong(), m.path("train_loss").asDouble(),
        m.path("examples_per_second").asDouble(),
        m.has("val_accuracy") ? String.format(Locale.ROOT, ", validation loss %.4f accuracy %.4f",
            m.path("val_loss").asDouble(), m.path("val_accuracy").asDouble()) : "",
        accuracy, dir.relativize(run.model())));
    return 0;
  }

  /** The signal handler of the training call, once it ran. */
  private StopOnSignal stopped;

  /**
   * Runs a training call with Ctrl-C and SIGTERM turned into a stop at the next step boundary
   * with a checkpoint (only while it trains: loading the dataset stops as usual).
   */
  private RunFolder stoppable(java.util.function.Function<StopOnSignal, RunFolder> job) {
    try (StopOnSignal stop = StopOnSignal.install(parent.err())) {
      stopped = stop;
      return job.apply(stop);
    }
  }

  /** The command that resumes run {@code id} of the project in {@code dir}, as a shell takes it. */
  private String resumeCommand(Path dir, String id) {
    StringBuilder b = new StringBuilder("guild");
    if (!parent.home().equals(GuildPackages.defaultHome().toAbsolutePath())) {
      b.append(" --home ").append(shellWord(parent.home().toString()));
    }
    b.append(" train");
    if (!dir.equals(Path.of("").toAbsolutePath().normalize())) {
      b.append(" -C ").append(shellWord(dir.toString()));
    }
    return b.append(" --resume ").append(id).toString();
  }

  private static long seedOf(String value) {
    try {
      return Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      throw new GuildException("flag seed: '" + value + "' is not a valid int value");
    }
  }

  private static String shellWord(String s) {
    return s.matches("[A-Za-z0-9_./:=@+-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
  }
}
