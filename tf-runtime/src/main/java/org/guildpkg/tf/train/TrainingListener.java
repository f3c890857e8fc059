package org.guildpkg.tf.train;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Follows a {@link Trainer}'s progress: the CLI's progress bar, TensorBoard event files, a
 * notebook's plot. Methods run on the training thread; keep them quick.
 */
public interface TrainingListener {
  /** After each optimizer step. */
  default void onStep(StepEvent event) {}

  /** After a checkpoint was written. */
  default void onCheckpoint(long step, Path checkpoint) {}

  /**
   * After the held-out examples were evaluated at {@code step} (a run with a validation split).
   *
   * @param evaluation the held-out examples' loss and accuracy
   */
  default void onValidation(long step, Evaluation evaluation) {}

  /** After the last step, before the final export. */
  default void onFinish(TrainingSummary summary) {}

  /**
   * One finished step.
   *
   * @param step steps done so far in the run (1 after the first)
   * @param totalSteps the steps the run will do in all
   * @param epoch the pass over the data this step belongs to (from 0)
   * @param loss the batch's loss
   * @param accuracy the batch's accuracy, when the model reports it
   * @param examplesPerSecond the training speed over the last steps
   */
  record StepEvent(
      long step, long totalSteps, long epoch, float loss, Optional<Float> accuracy,
      double examplesPerSecond) {}
}
