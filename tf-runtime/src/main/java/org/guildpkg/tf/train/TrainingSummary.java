package org.guildpkg.tf.train;

/**
 * What a {@link Trainer#train()} call did.
 *
 * @param firstStep the step the call started from (0 unless resumed)
 * @param steps the step the run reached
 * @param examples examples trained on in this call
 * @param lastLoss the loss of the last batch
 * @param meanLoss the mean batch loss over the last (up to) 100 steps
 * @param seconds time spent in training steps (checkpoints excluded)
 */
public record TrainingSummary(
    long firstStep, long steps, long examples, float lastLoss, float meanLoss, double seconds) {

  /** Training speed of this call: examples per second spent in training steps. */
  public double examplesPerSecond() {
    return seconds > 0 ? examples / seconds : 0;
  }
}
