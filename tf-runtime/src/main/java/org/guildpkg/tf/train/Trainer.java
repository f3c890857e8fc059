package org.guildpkg.tf.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import org.guildpkg.GuildException;
import org.guildpkg.io.FileOps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a {@link TrainableModel} on a dataset split: shuffled batches, one {@code train}
 * signature call per step, listeners for progress, and optional periodic checkpoints. Usable from
 * any Java program; the CLI's {@code guild train} is built on it.
 *
 * <pre>{@code
 * TrainingSummary s = Trainer.on(model, trainSplit).batchSize(100).epochs(1).seed(1)
 *     .listener(e -> System.out.println(e.step() + " " + e.loss())).train();
 * }</pre>
 */
public final class Trainer {
  private static final Logger log = LoggerFactory.getLogger(Trainer.class);

  private final TrainableModel model;
  private final ExampleSource data;
  private int batchSize = 100;
  private long epochs = 1;
  private long steps = -1;
  private long seed = 1;
  private long startStep;
  private long checkpointEvery;
  private Path checkpoints;
  private int keepCheckpoints = 2;
  private final List<TrainingListener> listeners = new ArrayList<>();
  private BooleanSupplier stop = () -> false;

  private Trainer(TrainableModel model, ExampleSource data) {
    this.model = model;
    this.data = data;
  }

  /** A trainer of {@code model} on {@code data}; one epoch of batches of 100 unless told. */
  public static Trainer on(TrainableModel model, ExampleSource data) {
    if (!model.signatures().containsKey(TrainableModel.TRAIN)) {
      throw new GuildException("the model has no 'train' signature, so it cannot be trained");
    }
    if (data.size() == 0) {
      throw new GuildException("the training split holds no examples");
    }
    return new Trainer(model, data);
  }

  /** Examples per step (default 100). */
  public Trainer batchSize(int n) {
    if (n < 1) {
      throw new GuildException("batch size must be at least 1, not " + n);
    }
    batchSize = n;
    return this;
  }

  /** Trains for this many passes over the data (default 1); clears {@link #steps}. */
  public Trainer epochs(long n) {
    if (n < 1) {
      throw new GuildException("epochs must be at least 1, not " + n);
    }
    epochs = n;
    steps = -1;
    return this;
  }

  /** Trains for this many steps in all, counting those before {@link #startStep}. */
  public Trainer steps(long n) {
    if (n < 1) {
      throw new GuildException("steps must be at least 1, not " + n);
    }
    steps = n;
    return this;
  }

  /** Seeds the shuffling: epoch {@code e} uses seed {@code seed + e} (default 1). */
  public Trainer seed(long seed) {
    this.seed = seed;
    return this;
  }

  /** Continues a run that had done {@code step} steps, in the same batch order. */
  public Trainer startStep(long step) {
    if (step < 0) {
      throw new GuildException("start step must not be negative: " + step);
    }
    startStep = step;
    return this;
  }

  /**
   * Exports the model every {@code everySteps} steps into {@code dir/step-NNNNNNNN}, keeping the
   * two newest; {@link #latestCheckpoint} finds the newest again.
   */
  public Trainer checkpoints(Path dir, long everySteps) {
    if (everySteps < 1) {
      throw new GuildException("checkpoint interval must be at least 1 step, not " + everySteps);
    }
    checkpoints = dir;
    checkpointEvery = everySteps;
    return this;
  }

  /**
   * Stops training at the next step boundary once {@code stop} answers true (asked before each
   * step, from the training thread; a signal handler may set what it reads): {@link #train()}
   * then returns early, and {@link TrainingSummary#steps()} tells where it stopped.
   */
  public Trainer stopWhen(BooleanSupplier stop) {
    this.stop = java.util.Objects.requireNonNull(stop, "stop");
    return this;
  }

  /** Adds a progress listener. */
  public Trainer listener(TrainingListener l) {
    listeners.add(l);
    return this;
  }

  /** Steps one epoch takes with this batch size. */
  public long stepsPerEpoch() {
    return (data.size() + batchSize - 1) / batchSize;
  }

  /** The step the run ends at: {@link #steps}, else epochs times steps per epoch. */
  public long totalSteps() {
    return steps > 0 ? steps : epochs * stepsPerEpoch();
  }

  /** Runs the steps from {@link #startStep} to {@link #totalSteps} and reports what it did. */
  public TrainingSummary train() {
    long total = totalSteps();
    long perEpoch = stepsPerEpoch();
    long step = startStep;
    long examples = 0;
    double seconds = 0;
    float last = Float.NaN;
    Deque<float[]> recent = new ArrayDeque<>(); // {loss, examples, nanos}
    double recentNanos = 0;
    long recentExamples = 0;
    float recentLoss = 0;
    boolean stopped = false;
    while (step < total && !stopped) {
      long epoch = step / perEpoch;
      // The batch order of a step follows from (seed, step) alone, so a resumed run sees the
      // batches an uninterrupted one would.
      Iterator<TensorBatch> it = data.batches(batchSize, OptionalLong.of(seed + epoch), step % perEpoch);
      while (it.hasNext() && step < total) {
        if (stop.getAsBoolean()) {
          stopped = true;
          break;
        }
        long t0 = System.nanoTime();
        TrainableModel.StepResult r;
        int n;
        try (TensorBatch b = it.next()) {
          r = model.trainStep(b.tensors());
          n = b.size();
        }
        long dt = System.nanoTime() - t0;
        step++;
        examples += n;
        seconds += dt / 1e9;
        last = r.loss();
        if (!Float.isFinite(last)) {
          throw new GuildException(
              "the loss became " + last + " at step " + step
                  + ": lower the learning rate (--flag learning_rate=...)");
        }
        recent.addLast(new float[] {last, n, dt});
        recentNanos += dt;
        recentExamples += n;
        recentLoss += last;
        if (recent.size() > 100) {
          float[] old = recent.removeFirst();
          recentLoss -= old[0];
          recentExamples -= (long) old[1];
          recentNanos -= old[2];
        }
        TrainingListener.StepEvent e =
            new TrainingListener.StepEvent(
                step, total, epoch, last, r.accuracy(),
                recentNanos > 0 ? recentExamples / (recentNanos / 1e9) : 0);
        for (TrainingListener l : listeners) {
          l.onStep(e);
        }
        if (checkpoints != null && step % checkpointEvery == 0 && step < total) {
          Path c = checkpoint(step);
          for (TrainingListener l : listeners) {
            l.onCheckpoint(step, c);
          }
        }
      }
    }
    float mean = recent.isEmpty() ? Float.NaN : recentLoss / recent.size();
    TrainingSummary s = new TrainingSummary(startStep, step, examples, last, mean, seconds);
    log.debug("trained steps {}..{}: {}", startStep, step, s);
    for (TrainingListener l : listeners) {
      l.onFinish(s);
    }
    return s;
  }

  /** Writes a checkpoint of the model at {@code step} now, and drops all but the newest two. */
  public Path checkpoint(long step) {
    if (checkpoints == null) {
      throw new GuildException("no checkpoint folder set: call checkpoints(dir, every) first");
    }
    Path dir = checkpoints.resolve(String.format("step-%08d", step));
    if (Files.exists(dir)) {
      return dir;
    }
    model.export(dir);
    List<Checkpoint> all = list(checkpoints);
    for (int i = 0; i < all.size() - keepCheckpoints; i++) {
      try {
        FileOps.deleteTree(all.get(i).path());
      } catch (java.io.IOException ex) {
        log.warn("cannot delete old checkpoint {}: {}", all.get(i).path(), ex.toString());
      }
    }
    return dir;
  }

  /** A checkpoint: the step it was taken after and its SavedModel folder. */
  public record Checkpoint(long step, Path path) {}

  /** The newest complete checkpoint in {@code dir}, if any. */
  public static Optional<Checkpoint> latestCheckpoint(Path dir) {
    List<Checkpoint> all = list(dir);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
  }

  /** The complete checkpoints in {@code dir}, oldest first. */
  public static List<Checkpoint> allCheckpoints(Path dir) {
    return list(dir);
  }

  private static List<Checkpoint> list(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (var s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().matches("step-\\d+"))
          .filter(p -> Files.isRegularFile(p.resolve("saved_model.pb")))
          .map(p -> new Checkpoint(Long.parseLong(p.getFileName().toString().substring(5)), p))
          .sorted(java.util.Comparator.comparingLong(Checkpoint::step))
          .toList();
    } catch (java.io.IOException e) {
      throw new GuildException(dir + ": cannot list checkpoints: " + e.getMessage(), e);
    }
  }
}
