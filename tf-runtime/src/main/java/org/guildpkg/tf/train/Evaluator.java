package org.guildpkg.tf.train;

import java.util.Iterator;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.LongConsumer;
import org.guildpkg.GuildException;
import org.tensorflow.Result;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Evaluates a model's {@code evaluate} signature on a dataset split: loss and accuracy weighted
 * by batch size, per-class accuracy and the confusion matrix. Usable from any Java program; the
 * CLI's {@code guild evaluate} is built on it.
 *
 * <pre>{@code
 * Evaluation e = Evaluator.evaluate(model, testSplit, 500, done -> {});
 * }</pre>
 */
public final class Evaluator {
  private Evaluator() {}

  /**
   * Runs every example of {@code data} through the model once, in file order.
   *
   * @param progress told the number of examples done after each batch
   * @throws GuildException when the model's class count differs from the dataset's
   */
  public static Evaluation evaluate(
      TrainableModel model, ExampleSource data, int batchSize, LongConsumer progress) {
    List<String> classes = data.classes();
    int c = classes.size();
    long modelClasses = model.numClasses();
    if (modelClasses >= 0 && modelClasses != c) {
      throw new GuildException(
          "the model predicts " + modelClasses + " classes but the dataset has " + c);
    }
    long[][] confusion = new long[c][c];
    double lossSum = 0;
    long n = 0;
    boolean evalHasClasses =
        model.signatures().get(TrainableModel.EVALUATE).outputNames().contains("classes");
    Iterator<TensorBatch> it = data.batches(batchSize, OptionalLong.empty());
    while (it.hasNext()) {
      try (TensorBatch b = it.next()) {
        TInt64 labels = (TInt64) b.tensors().get(data.spec().label());
        try (Result r = model.run(TrainableModel.EVALUATE, b.tensors())) {
          lossSum += ((TFloat32) r.get("loss").orElseThrow()).getFloat() * (double) b.size();
          if (evalHasClasses) {
            count(confusion, labels, (TInt64) r.get("classes").orElseThrow(), c);
          } else {
            try (Result s = model.run(TrainableModel.SERVING, b.tensors())) {
              count(confusion, labels, (TInt64) s.get("classes").orElseThrow(), c);
            }
          }
        }
        n += b.size();
        progress.accept(n);
      }
    }
    if (n == 0) {
      throw new GuildException("the evaluation split holds no examples");
    }
    long right = 0;
    for (int i = 0; i < c; i++) {
      right += confusion[i][i];
    }
    return new Evaluation(n, lossSum / n, (double) right / n, classes, confusion);
  }

  private static void count(long[][] confusion, TInt64 labels, TInt64 predicted, int c) {
    long size = labels.size();
    for (long i = 0; i < size; i++) {
      int t = (int) labels.getLong(i);
      int p = (int) predicted.getLong(i);
      if (t < 0 || t >= c || p < 0 || p >= c) {
        throw new GuildException("label " + t + " or prediction " + p + " is outside the " + c + " classes");
      }
      confusion[t][p]++;
    }
  }

}
