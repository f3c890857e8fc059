package org.guildpkg.tf.project;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.guildpkg.GuildException;
import org.guildpkg.tf.train.Evaluation;
import org.guildpkg.tf.train.Evaluator;
import org.guildpkg.tf.train.ExampleSource;
import org.guildpkg.tf.train.TensorBoardEvents;
import org.guildpkg.tf.train.TrainableModel;
import org.guildpkg.tf.train.TrainingListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates a run's model on its held-out examples every N steps while it trains (through the
 * {@code evaluate} signature, which changes no variable and draws no random number, so training
 * goes on exactly as without it): {@code val_loss}, {@code val_accuracy} and {@code val_step} in
 * metrics.json, and the scalars {@code loss} and {@code accuracy} in {@code runs/ID/validation/},
 * which TensorBoard shows beside the training curves, as Keras' {@code validation} folder.
 */
final class Validator implements TrainingListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Validator.class);
  private static final int BATCH = 500;

  private final RunFolder run;
  private final TrainableModel model;
  private final ExampleSource examples;
  private final long every;
  private final long total;
  private final TensorBoardEvents events;
  private final List<TrainingListener> listeners;
  private long last = -1;

  /** Evaluates {@code examples} every {@code every} steps, telling {@code listeners} the results. */
  Validator(RunFolder run, TrainableModel model, ExampleSource examples, long every, long total,
      List<TrainingListener> listeners) {
    this.listeners = List.copyOf(listeners);
    this.run = run;
    this.model = model;
    this.examples = examples;
    this.every = every;
    this.total = total;
    Path dir = run.path().resolve("validation");
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new GuildException(dir + ": cannot create: " + GuildException.reason(e), e);
    }
    this.events = TensorBoardEvents.create(dir);
  }

  @Override
  public void onStep(StepEvent e) {
    // The last step is validated by the job once training has ended (not when it was stopped).
    if (e.step() % every == 0 && e.step() < total) {
      validate(e.step());
    }
  }

  /** Evaluates the held-out examples now, after {@code step} steps, unless done at that step. */
  void validate(long step) {
    if (step == last) {
      return;
    }
    last = step;
    Evaluation ev = Evaluator.evaluate(model, examples, BATCH, n -> {});
    events.scalar(step, "loss", (float) ev.loss());
    events.scalar(step, "accuracy", (float) ev.accuracy());
    ObjectNode m = JsonNodeFactory.instance.objectNode();
    m.put("val_loss", ev.loss());
    m.put("val_accuracy", ev.accuracy());
    m.put("val_step", step);
    m.put("val_examples", ev.examples());
    run.mergeMetrics(m);
    listeners.forEach(l -> l.onValidation(step, ev));
    log.debug("validation at step {}: loss {} accuracy {}", step, ev.loss(), ev.accuracy());
  }

  @Override
  public void close() {
    events.close();
  }
}
