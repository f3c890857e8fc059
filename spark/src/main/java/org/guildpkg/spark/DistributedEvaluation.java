package org.guildpkg.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.guildpkg.GuildException;
import org.guildpkg.tf.train.Evaluation;
import org.guildpkg.tf.train.Evaluator;
import org.guildpkg.tf.train.TrainableModel;

/**
 * Evaluates a model package on a DataFrame across a Spark cluster: every partition runs
 * tf-runtime's {@link Evaluator} (the code behind {@code guild evaluate}) on its rows, and the
 * example counts, loss sums and confusion matrices are added up on the driver; accuracy and
 * per-class accuracy follow from the summed confusion matrix, so they equal a one-machine
 * evaluation exactly (the mean loss to float rounding).
 *
 * <pre>{@code
 * Evaluation e = DistributedEvaluation.evaluate(
 *     DatasetFrames.read(spark, PackageLocation.of("fashion-mnist"), "test"),
 *     PackageLocation.of("fashion-mnist-convnet+fashion-mnist"), 1000);
 * }</pre>
 */
public final class DistributedEvaluation {
  /** Rows handed to the Evaluator at once: bounds an executor's memory, whatever a partition's size. */
  private static final int CHUNK_BATCHES = 8;

  private DistributedEvaluation() {}

  /**
   * Evaluates with the class names the frame's {@code label} column records.
   *
   * @throws GuildException when the frame's label column records no class names
   */
  public static Evaluation evaluate(Dataset<Row> frame, PackageLocation model, int batchSize) {
    List<String> classes = FeatureColumns.classes(frame.schema());
    if (classes.isEmpty()) {
      throw new GuildException("the frame's 'label' column records no class names; pass them to evaluate");
    }
    return evaluate(frame, model, classes, batchSize);
  }

  /**
   * Evaluates the model's {@code evaluate} signature on every row ({@code label}: the true class
   * index; the model's inputs by column name).
   *
   * @param classes the class names, index = label value
   * @throws GuildException when the frame is empty, or on the executors when the model's class
   *     count differs from {@code classes} or a column does not fit its input
   */
  public static Evaluation evaluate(Dataset<Row> frame, PackageLocation model, List<String> classes, int batchSize) {
    if (batchSize < 1) {
      throw new GuildException("the batch size must be at least 1, not " + batchSize);
    }
    List<String> names = List.copyOf(classes);
    var schema = frame.schema();
    Part total = frame.javaRDD()
        .mapPartitions(rows -> List.of(evaluatePartition(ExecutorModels.get(model), schema, names, batchSize, rows)).iterator())
        .reduce(Part::plus);
    if (total.examples() == 0) {
      throw new GuildException("the evaluation frame holds no rows");
    }
    long right = 0;
    for (int i = 0; i < names.size(); i++) {
      right += total.confusion()[i][i];
    }
    return new Evaluation(total.examples(), total.lossSum() / total.examples(),
        (double) right / total.examples(), names, total.confusion());
  }

  private static Part evaluatePartition(
      TrainableModel m, org.apache.spark.sql.types.StructType schema, List<String> classes, int batchSize, Iterator<Row> rows) {
    ModelInputs inputs = ModelInputs.of(m, schema, classes, true);
    Part sum = Part.empty(classes.size());
    List<Row> chunk = new ArrayList<>();
    int chunkSize = Math.max(batchSize, batchSize * CHUNK_BATCHES);
    while (rows.hasNext()) {
      chunk.add(rows.next());
      if (chunk.size() == chunkSize || !rows.hasNext()) {
        Evaluation e = Evaluator.evaluate(m, inputs.examples(chunk), batchSize, n -> {});
        sum = sum.plus(new Part(e.examples(), e.loss() * e.examples(), e.confusion()));
        chunk.clear();
      }
    }
    return sum;
  }

  /**
   * What some partitions add up to.
   *
   * @param lossSum the sum of the per-example loss
   * @param confusion {@code confusion[true][predicted]} counts
   */
  record Part(long examples, double lossSum, long[][] confusion) implements Serializable {
    private static final long serialVersionUID = 1L;

    static Part empty(int classes) {
      return new Part(0, 0, new long[classes][classes]);
    }

    Part plus(Part o) {
      long[][] c = new long[confusion.length][];
      for (int i = 0; i < c.length; i++) {
        c[i] = confusion[i].clone();
        for (int j = 0; j < c[i].length; j++) {
          c[i][j] += o.confusion[i][j];
        }
      }
      return new Part(examples + o.examples, lossSum + o.lossSum, c);
    }
  }
}
