package org.guildpkg.tf.project;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import org.guildpkg.GuildException;
import org.guildpkg.io.FileOps;
import org.guildpkg.io.PathLock;
import org.guildpkg.tf.author.FlagSpec;
import org.guildpkg.tf.author.FlagType;
import org.guildpkg.tf.author.Flags;
import org.guildpkg.tf.train.ExampleSource;
import org.guildpkg.tf.train.TensorBoardEvents;
import org.guildpkg.tf.train.TrainableModel;
import org.guildpkg.tf.train.Trainer;
import org.guildpkg.tf.train.TrainingListener;
import org.guildpkg.tf.train.TrainingSummary;

/**
 * A training run from start to exported model, in a run folder: compile a project's model code
 * (or load a trainable model to fine-tune), train with checkpoints and TensorBoard events, export
 * the model, record metrics; or continue a run from its last checkpoint. {@code guild train} and
 * {@code guild demo} use it.
 */
public final class TrainingJob {
  /** Flags the trainer itself reads; a fine-tuned model takes only these. */
  static final Map<String, FlagSpec> TRAINER_FLAGS = Map.of(
      "batch_size", new FlagSpec("batch_size", "100", FlagType.INT, "Examples per training step."),
      "epochs", new FlagSpec("epochs", "1", FlagType.INT, "Passes over the train split."),
      "seed", new FlagSpec("seed", "1", FlagType.INT, "Seeds the shuffling."));

  /** Default interval between checkpoints, in steps. */
  public static final long DEFAULT_CHECKPOINT_EVERY = 500;

  private TrainingJob() {}

  /**
   * What to train.
   *
   * @param runsDir where the run folder goes ({@code PROJECT/runs})
   * @param project the project with model.json and sources, unless fine-tuning
   * @param baseModel a trainable SavedModel to fine-tune instead of a project
   * @param source the source package (or project) the model code comes from, for the lineage
   * @param baseFlags the flags the base model was trained with (from its lineage), if any
   * @param dataset the dataset package trained on
   * @param datasetSpec how to find the dataset again (a folder or NAME@VERSION), for evaluate
   *     and resume
   * @param train the dataset's train split
   * @param flagValues {@code --flag} values given by the user
   * @param steps train this many steps in all, if given
   * @param epochs train this many epochs, if given (else the {@code epochs} flag)
   * @param checkpointEvery steps between checkpoints
   */
  public record Request(
      Path runsDir,
      Optional<Path> project,
      Optional<Path> baseModel,
      PackageRef source,
      Map<String, String> baseFlags,
      PackageRef dataset,
      String datasetSpec,
      ExampleSource train,
      Map<String, String> flagValues,
      OptionalLong steps,
      OptionalLong epochs,
      long checkpointEvery) {

    /** Checks that exactly one of project and base model is given. */
    public Request {
      if (project.isPresent() == baseModel.isPresent()) {
        throw new GuildException("train either a project's model code or a model package, not both");
      }
      baseFlags = Map.copyOf(baseFlags);
      flagValues = Map.copyOf(flagValues);
    }
  }

  /**
   * Starts a new run and trains it to the end.
   *
   * @param listeners told of each step; the run's TensorBoard writer is added
   */
  public static RunFolder start(Request req, List<TrainingListener> listeners) {
    return start(req, listeners, () -> false);
  }

  /**
   * Starts a new run and trains it to the end, or until {@code stop} answers true: then the run
   * gets a checkpoint at the step it reached and the status {@code terminated}, and {@link
   * #resume} continues it as if it had never stopped.
   *
   * @param listeners told of each step; the run's TensorBoard writer is added
   * @param stop asked before each step (from the training thread)
   */
  public static RunFolder start(Request req, List<TrainingListener> listeners, BooleanSupplier stop) {
    return start(req, listeners, new Extras(stop, Optional.empty(), Optional.empty(), DEFAULT_CHECKPOINT_EVERY));
  }

  /**
   * What a run may have beyond its {@link Request}.
   *
   * @param stop asked before each step (from the training thread); true stops the run with a
   *     checkpoint and the status {@code terminated}
   * @param data which examples the run trains on and holds out, recorded in run.json for resume
   * @param validation the held-out examples, evaluated every {@code validateEvery} steps and at
   *     the end: {@code val_loss} and {@code val_accuracy} in metrics.json and in TensorBoard
   *     ({@code validation/} beside the training events, tags {@code loss} and {@code accuracy})
   * @param validateEvery steps between validations
   */
  public record Extras(
      BooleanSupplier stop, Optional<DataSelection> data, Optional<ExampleSource> validation, long validateEvery) {
    /** Checks the interval. */
    public Extras {
      if (validateEvery < 1) {
        throw new GuildException("the validation interval must be at least 1 step, not " + validateEvery);
      }
    }
  }

  /**
   * Starts a new run as {@link #start(Request, List)}, with {@link Extras}.
   *
   * @param listeners told of each step; the run's TensorBoard writer is added
   */
  public static RunFolder start(Request req, List<TrainingListener> listeners, Extras extras) {
    Flags flags;
    ModelDescriptor descriptor = null;
    if (req.project().isPresent()) {
      descriptor = ModelDescriptor.read(req.project().get());
      flags = Flags.resolve(descriptor.flags(), req.flagValues());
    } else {
      Map<String, FlagSpec> specs = new LinkedHashMap<>();
      TRAINER_FLAGS.forEach((k, v) -> specs.put(k, new FlagSpec(
          k, req.baseFlags().getOrDefault(k, v.defaultValue()), v.type(), v.help())));
      flags = Flags.resolve(specs, req.flagValues());
    }
    // Compile before making a run folder, so that a compile error leaves no empty run behind.
    ProjectCompiler.Compiled compiled = descriptor == null ? null : ProjectCompiler.compile(
        req.project().get(), descriptor, req.project().get().resolve(".guild/classes"));
    int batch = flags.getInt("batch_size", 100);
    long seed = flags.getInt("seed", 1);
    // The loader of the project's classes closes with the model, at the end of the run.
    try (compiled;
        TrainableModel model = compiled != null
            ? TrainableModel.build(compiled.code(), flags, req.train().spec(), seed)
            : TrainableModel.load(req.baseModel().get())) {
      Trainer trainer = Trainer.on(model, req.train()).batchSize(batch).seed(seed);
      if (req.steps().isPresent()) {
        trainer.steps(req.steps().getAsLong());
      } else {
        trainer.epochs(req.epochs().orElse(flags.getInt("epochs", 1)));
      }
      // Only now, with the model built and the trainer set up, make the run folder; a failure
      // before its first checkpoint removes it, so no half run is left behind.
      RunFolder run = RunFolder.create(req.runsDir());
      // Held while this JVM trains the run: 'guild runs rm' refuses it, 'runs list' says running.
      PathLock.Hold lock = run.lock();
      ObjectNode info = JsonNodeFactory.instance.objectNode();
      try {
        run.writeFlags(flags);
        info.put("id", run.id());
        info.put("status", "running");
        info.put("started", Instant.now().toString());
        info.set("source", req.source().toJson());
        if (descriptor != null) {
          info.put("model_class", descriptor.modelClass());
        }
        req.baseModel().ifPresent(p -> info.put("base_model", p.toString()));
        info.set("dataset", req.dataset().toJson());
        info.put("dataset_spec", req.datasetSpec());
        ArrayNode classes = info.putArray("classes");
        req.train().classes().forEach(classes::add);
        info.put("batch_size", batch);
        info.put("seed", seed);
        info.put("total_steps", trainer.totalSteps());
        info.put("steps", 0);
        info.put("checkpoint_every", req.checkpointEvery());
        extras.data().ifPresent(d -> info.set("data", d.toJson()));
        if (extras.validation().isPresent()) {
          info.put("validate_every", extras.validateEvery());
        }
        run.writeInfo(info);
        trainer.checkpoints(run.checkpoints(), req.checkpointEvery());
        // Step 0 too, so that every run can resume without its source code.
        trainer.checkpoint(0);
      } catch (RuntimeException e) {
        try {
          FileOps.deleteTree(run.path());
        } catch (java.io.IOException suppressed) {
          e.addSuppressed(suppressed);
        }
        lock.close();
        throw e;
      }
      try (lock) {
        return finish(run, model, trainer, info, listeners, extras);
      }
    }
  }

  /**
   * Continues run {@code id} from its newest checkpoint with the same flags and batch order.
   *
   * @throws GuildException when the run has finished or has no checkpoint
   */
  public static RunFolder resume(
      Path runsDir, String id, ExampleSource train, List<TrainingListener> listeners) {
    return resume(runsDir, id, train, listeners, () -> false);
  }

  /**
   * Continues run {@code id} like {@link #resume(Path, String, ExampleSource, List)}, stopping
   * early as {@link #start(Request, List, BooleanSupplier)} does.
   *
   * @throws GuildException when the run has finished, has no checkpoint or is being trained
   */
  public static RunFolder resume(
      Path runsDir, String id, ExampleSource train, List<TrainingListener> listeners,
      BooleanSupplier stop) {
    return resume(runsDir, id, train, listeners,
        new Extras(stop, Optional.empty(), Optional.empty(), DEFAULT_CHECKPOINT_EVERY));
  }

  /**
   * Continues run {@code id} like {@link #resume(Path, String, ExampleSource, List)}, with {@link
   * Extras} ({@code data} is ignored: the run keeps the selection it recorded).
   *
   * @throws GuildException when the run has finished, has no checkpoint or is being trained
   */
  public static RunFolder resume(
      Path runsDir, String id, ExampleSource train, List<TrainingListener> listeners, Extras extras) {
    RunFolder run = RunFolder.open(runsDir, id);
    if (run.completed()) {
      throw new GuildException(run + " has finished already; start a new run with 'guild train'");
    }
    try (PathLock.Hold lock = run.tryLock().orElseThrow(() -> new GuildException(
        run + " is being trained by another process; wait for it or stop it first"))) {
      return resumeLocked(run, train, listeners, extras);
    }
  }

  private static RunFolder resumeLocked(
      RunFolder run, ExampleSource train, List<TrainingListener> listeners, Extras extras) {
    Trainer.Checkpoint c = Trainer.latestCheckpoint(run.checkpoints()).orElseThrow(() ->
        new GuildException(run + " has no checkpoint to resume from; start a new run"));
    ObjectNode info = run.info();
    try (TrainableModel model = TrainableModel.load(c.path())) {
      Trainer trainer = Trainer.on(model, train)
          .batchSize(info.path("batch_size").asInt(100))
          .seed(info.path("seed").asLong(1))
          .steps(info.path("total_steps").asLong())
          .startStep(c.step())
          .checkpoints(run.checkpoints(), info.path("checkpoint_every").asLong(DEFAULT_CHECKPOINT_EVERY));
      info.put("status", "running");
      info.put("resumed_from", c.step());
      info.remove(List.of("error", "terminated"));
      run.writeInfo(info);
      return finish(run, model, trainer, info, listeners, extras);
    }
  }

  /**
   * The mean loss of the run's last (up to) 100 steps, read back from its TensorBoard events so
   * that a resumed run counts the steps before its resume too, as a run that never stopped does.
   */
  private static double meanRecentLoss(RunFolder run, TensorBoardEvents events, TrainingSummary s) {
    events.flush();
    var losses = TensorBoardEvents.scalars(run.path(), "loss").headMap(s.steps() + 1)
        .tailMap(Math.max(1, s.steps() - 99));
    if (losses.size() < Math.min(100, s.steps())) {
      return s.meanLoss(); // event files removed by hand: this call's steps are what there is
    }
    return losses.values().stream().mapToDouble(Float::doubleValue).average().orElse(s.meanLoss());
  }

  private static RunFolder finish(
      RunFolder run, TrainableModel model, Trainer trainer, ObjectNode info,
      List<TrainingListener> listeners, Extras extras) {
    List<TrainingListener> all = new ArrayList<>(listeners);
    try (TensorBoardEvents events = TensorBoardEvents.create(run.path());
        Validator validator = extras.validation().isEmpty() ? null
            : new Validator(run, model, extras.validation().get(), extras.validateEvery(), trainer.totalSteps(),
                listeners)) {
      if (validator != null) {
        all.add(validator);
      }
      all.add(events);
      all.add(run.checkpointRecorder(info));
      all.forEach(trainer::listener);
      TrainingSummary s;
      try {
        s = trainer.stopWhen(extras.stop()).train();
      } catch (RuntimeException e) {
        info.put("status", "failed");
        info.put("error", GuildException.reason(e));
        info.put("finished", Instant.now().toString());
        run.writeInfo(info);
        throw e;
      }
      ObjectNode m = JsonNodeFactory.instance.objectNode();
      m.put("steps", s.steps());
      if (s.steps() > s.firstStep()) {
        m.put("train_loss", meanRecentLoss(run, events, s));
        m.put("examples_per_second", Math.round(s.examplesPerSecond() * 10) / 10.0);
      }
      if (s.steps() < trainer.totalSteps()) {
        // Stopped on request: keep every step done, so that a resume loses nothing.
        trainer.checkpoint(s.steps());
        run.mergeMetrics(m);
        info.put("steps", s.steps());
        info.put("status", "terminated");
        info.put("terminated", Instant.now().toString());
        run.writeInfo(info);
        return run;
      }
      if (validator != null) {
        validator.validate(s.steps());
      }
      model.export(run.model());
      run.mergeMetrics(m);
      info.put("steps", s.steps());
      info.put("status", "completed");
      info.put("finished", Instant.now().toString());
      run.writeInfo(info);
      RunPackage.write(run);
      return run;
    }
  }
}
