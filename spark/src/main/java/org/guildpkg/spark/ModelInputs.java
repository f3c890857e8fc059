package org.guildpkg.spark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.guildpkg.GuildException;
import org.guildpkg.tf.train.InMemoryExamples;
import org.guildpkg.tf.train.InputSpec;
import org.guildpkg.tf.train.TrainableModel;
import org.tensorflow.Signature;
import org.tensorflow.proto.DataType;

/**
 * Turns a chunk of rows into the examples a model's {@code serving_default} takes, by the model's
 * own input names, dtypes and shapes: a uint8 input from a {@code binary} column of raw bytes, a
 * float32 input from a {@code float} column or a flat {@code array<float>} column.
 */
final class ModelInputs {
  private final InputSpec spec;
  private final int[] columns; // per input feature, its column index
  private final int labelColumn; // -1 when absent (prediction)

  private ModelInputs(InputSpec spec, int[] columns, int labelColumn) {
    this.spec = spec;
    this.columns = columns;
    this.labelColumn = labelColumn;
  }

  /**
   * The inputs of {@code model} found in {@code schema}.
   *
   * @param classes the class names, index = class
   * @param needLabel true when the {@code label} column must be there (evaluation)
   * @throws GuildException naming the missing column and the columns there are
   */
  static ModelInputs of(TrainableModel model, StructType schema, List<String> classes, boolean needLabel) {
    Signature serving = model.signatures().get(TrainableModel.SERVING);
    Map<String, InputSpec.Feature> features = new LinkedHashMap<>();
    List<Integer> cols = new ArrayList<>();
    List<String> names = List.of(schema.fieldNames());
    serving.getInputs().forEach((name, d) -> {
      int col = names.indexOf(name);
      if (col < 0) {
        throw new GuildException(
            "the model's input '" + name + "' has no column of that name; columns: " + String.join(", ", names));
      }
      String dtype = d.dataType == DataType.DT_UINT8 ? "uint8" : d.dataType == DataType.DT_FLOAT ? "float32" : null;
      if (dtype == null) {
        throw new GuildException("the model's input '" + name + "' is " + d.dataType + "; only uint8 and float inputs are fed from rows");
      }
      List<Long> shape = new ArrayList<>();
      for (int i = 1; i < d.shape.numDimensions(); i++) {
        if (d.shape.size(i) < 0) {
          throw new GuildException("the model's input '" + name + "' has an unknown dimension: " + d.shape);
        }
        shape.add(d.shape.size(i));
      }
      features.put(name, new InputSpec.Feature(dtype, shape));
      cols.add(col);
    });
    int label = names.indexOf(FeatureColumns.LABEL);
    if (needLabel && label < 0) {
      throw new GuildException("evaluation needs a '" + FeatureColumns.LABEL + "' column; columns: " + String.join(", ", names));
    }
    return new ModelInputs(new InputSpec(features, FeatureColumns.LABEL, classes),
        cols.stream().mapToInt(Integer::intValue).toArray(), label);
  }

  /**
   * The rows as in-memory examples (labels 0 when there is no label column).
   *
   * @throws GuildException naming the column when a value has the wrong size
   */
  InMemoryExamples examples(List<Row> rows) {
    Map<String, Object> values = new LinkedHashMap<>();
    int i = 0;
    for (Map.Entry<String, InputSpec.Feature> e : spec.features().entrySet()) {
      int col = columns[i++];
      int per = 1;
      for (long d : e.getValue().shape()) {
        per = Math.multiplyExact(per, (int) d);
      }
      if (e.getValue().dtype().equals("uint8")) {
        byte[] out = new byte[Math.multiplyExact(per, rows.size())];
        for (int r = 0; r < rows.size(); r++) {
          byte[] v = (byte[]) rows.get(r).get(col);
          if (v == null || v.length != per) {
            throw new GuildException("column '" + e.getKey() + "' holds " + (v == null ? "null" : v.length + " bytes")
                + " in a row; the model takes " + per + " (" + e.getValue().shape() + ")");
          }
          System.arraycopy(v, 0, out, r * per, per);
        }
        values.put(e.getKey(), out);
      } else {
        float[] out = new float[Math.multiplyExact(per, rows.size())];
        for (int r = 0; r < rows.size(); r++) {
          Object v = rows.get(r).get(col);
          if (v instanceof Number n && per == 1) {
            out[r] = n.floatValue();
            continue;
          }
          List<Object> list = v == null ? null : rows.get(r).getList(col);
          if (list == null || list.size() != per) {
            throw new GuildException("column '" + e.getKey() + "' holds " + (list == null ? "null" : list.size() + " values")
                + " in a row; the model takes " + per + " floats (" + e.getValue().shape() + ")");
          }
          for (int j = 0; j < per; j++) {
            out[r * per + j] = ((Number) list.get(j)).floatValue();
          }
        }
        values.put(e.getKey(), out);
      }
    }
    long[] labels = new long[rows.size()];
    if (labelColumn >= 0) {
      for (int r = 0; r < rows.size(); r++) {
        labels[r] = ((Number) rows.get(r).get(labelColumn)).longValue();
      }
    }
    return new InMemoryExamples(spec, values, labels);
  }
}
