package org.guildpkg.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.OptionalLong;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.guildpkg.GuildException;
import org.guildpkg.tf.train.InMemoryExamples;
import org.guildpkg.tf.train.TensorBatch;
import org.guildpkg.tf.train.TrainableModel;
import org.tensorflow.Result;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Applies a model package to a DataFrame on the executors: each executor JVM loads the model
 * once, by package spec ({@link PackageLocation}), and runs its {@code serving_default} over
 * batches within each partition, adding three columns: {@value #CLASS} (bigint),
 * {@value #CLASS_NAME} (string) and {@value #PROBABILITIES} ({@code array<float>}).
 *
 * <pre>{@code
 * Dataset<Row> test = DatasetFrames.read(spark, PackageLocation.of("fashion-mnist"), "test");
 * Dataset<Row> out = BatchPrediction.predict(test, PackageLocation.of("fashion-mnist-convnet+fashion-mnist"), 256);
 * out.select("label", "class", "class_name").write().parquet("predictions");
 * }</pre>
 */
public final class BatchPrediction {
  /** The predicted class index column. */
  public static final String CLASS = "class";
  /** The predicted class name column (null when the class names are unknown). */
  public static final String CLASS_NAME = "class_name";
  /** The per-class probabilities column. */
  public static final String PROBABILITIES = "probabilities";

  private BatchPrediction() {}

  /**
   * Predicts with the class names the frame's {@code label} column records (as
   * {@link DatasetFrames#read} gives), batching {@code batchSize} rows per model call.
   */
  public static Dataset<Row> predict(Dataset<Row> frame, PackageLocation model, int batchSize) {
    return predict(frame, model, FeatureColumns.classes(frame.schema()), batchSize);
  }

  /**
   * Adds the prediction columns to every row (lazily, as Spark transformations do).
   *
   * @param classes the class names, index = class; empty leaves {@value #CLASS_NAME} null
   * @throws GuildException when {@code batchSize} is below 1, or on the executors when the model
   *     cannot be loaded or a column does not fit its input
   */
  public static Dataset<Row> predict(Dataset<Row> frame, PackageLocation model, List<String> classes, int batchSize) {
    if (batchSize < 1) {
      throw new GuildException("the batch size must be at least 1, not " + batchSize);
    }
    StructType in = frame.schema();
    for (String c : List.of(CLASS, CLASS_NAME, PROBABILITIES)) {
      if (List.of(in.fieldNames()).contains(c)) {
        throw new GuildException("the frame has a '" + c + "' column already; drop or rename it before predicting");
      }
    }
    StructType out = in
        .add(CLASS, DataTypes.LongType, false)
        .add(CLASS_NAME, DataTypes.StringType, true)
        .add(PROBABILITIES, DataTypes.createArrayType(DataTypes.FloatType, false), false);
    List<String> names = List.copyOf(classes);
    return frame.mapPartitions(
        (org.apache.spark.api.java.function.MapPartitionsFunction<Row, Row>)
            rows -> new Predictions(ExecutorModels.get(model), in, names, batchSize, rows),
        Encoders.row(out));
  }

  /** The rows of one partition with their predictions, one model call per batch. */
  private static final class Predictions implements Iterator<Row> {
    private final TrainableModel model;
    private final ModelInputs inputs;
    private final List<String> classes;
    private final int batchSize;
    private final Iterator<Row> rows;
    private final List<Row> ready = new ArrayList<>();
    private int next;

    Predictions(TrainableModel model, StructType schema, List<String> classes, int batchSize, Iterator<Row> rows) {
      this.model = model;
      long width = model.numClasses();
      // Unknown names (null) beat wrong ones when the list does not fit the model.
      this.classes = width < 0 || width == classes.size() ? classes : List.of();
      List<String> forSpec = this.classes.size() >= 2 ? this.classes
          : java.util.stream.LongStream.range(0, Math.max(2, width)).mapToObj(Long::toString).toList();
      this.inputs = ModelInputs.of(model, schema, forSpec, false);
      this.batchSize = batchSize;
      this.rows = rows;
    }

    @Override
    public boolean hasNext() {
      if (next < ready.size()) {
        return true;
      }
      ready.clear();
      next = 0;
      List<Row> batch = new ArrayList<>(batchSize);
      while (batch.size() < batchSize && rows.hasNext()) {
        batch.add(rows.next());
      }
      if (batch.isEmpty()) {
        return false;
      }
      predict(batch);
      return true;
    }

    private void predict(List<Row> batch) {
      InMemoryExamples examples = inputs.examples(batch);
      Iterator<TensorBatch> it = examples.batches(batch.size(), OptionalLong.empty());
      try (TensorBatch b = it.next();
          Result r = model.run(TrainableModel.SERVING, b.tensors())) {
        TFloat32 p = (TFloat32) r.get("probabilities").orElseThrow(() ->
            new GuildException("the model's serving_default has no 'probabilities' output"));
        TInt64 c = (TInt64) r.get("classes").orElseThrow(() ->
            new GuildException("the model's serving_default has no 'classes' output"));
        int width = (int) p.shape().size(1);
        for (int i = 0; i < batch.size(); i++) {
          Row row = batch.get(i);
          Object[] values = new Object[row.length() + 3];
          for (int j = 0; j < row.length(); j++) {
            values[j] = row.get(j);
          }
          long k = c.getLong(i);
          List<Float> probs = new ArrayList<>(width);
          for (int j = 0; j < width; j++) {
            probs.add(p.getFloat(i, j));
          }
          values[row.length()] = k;
          values[row.length() + 1] = k >= 0 && k < classes.size() ? classes.get((int) k) : null;
          values[row.length() + 2] = scala.jdk.javaapi.CollectionConverters.asScala(probs).toSeq();
          ready.add(RowFactory.create(values));
        }
      }
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return ready.get(next++);
    }
  }
}
