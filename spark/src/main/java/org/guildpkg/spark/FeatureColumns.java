package org.guildpkg.spark;

import com.google.protobuf.ByteString;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.guildpkg.GuildException;
import org.guildpkg.tf.data.Examples;
import org.guildpkg.tf.data.FeatureSpec;
import org.guildpkg.tf.data.FeatureType;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The columns of a dataset's features and the conversion of {@code tf.train.Example}s to rows and
 * back. A uint8 feature is one {@code binary} value (its raw bytes, row-major); int64 and float32
 * features are {@code bigint}/{@code float} scalars or flat arrays; string features are
 * {@code binary}. Each column's metadata keeps the feature's dtype and shape
 * ({@value #DTYPE}, {@value #SHAPE}), and the label column the class names ({@value #CLASSES}),
 * so a DataFrame written back is the same dataset.
 */
final class FeatureColumns implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Column metadata key: the feature's dtype as a dataset manifest names it. */
  static final String DTYPE = "guild.dtype";
  /** Column metadata key: the feature's shape per example. */
  static final String SHAPE = "guild.shape";
  /** Column metadata key on the label column: the class names, index = label value. */
  static final String CLASSES = "guild.classes";
  /** The label feature's name. */
  static final String LABEL = "label";

  private final List<Col> cols;

  private record Col(String name, FeatureType dtype, long[] shape, long elements) implements Serializable {
    private static final long serialVersionUID = 1L;

    boolean scalar() {
      return shape.length == 0;
    }
  }

  private FeatureColumns(List<Col> cols) {
    this.cols = List.copyOf(cols);
  }

  /** The columns of a dataset's features, in manifest order. */
  static FeatureColumns of(Map<String, FeatureSpec> features) {
    List<Col> cols = new ArrayList<>();
    features.forEach((name, f) -> cols.add(new Col(name, f.dtype(), f.shapeArray(), f.elements())));
    return new FeatureColumns(cols);
  }

  /** The Spark schema, with each feature's dtype and shape (and the label's classes) as metadata. */
  StructType schema(List<String> classes) {
    List<StructField> fields = new ArrayList<>();
    for (Col c : cols) {
      MetadataBuilder m = new MetadataBuilder().putString(DTYPE, c.dtype.id()).putLongArray(SHAPE, c.shape);
      if (c.name.equals(LABEL) && !classes.isEmpty()) {
        m.putStringArray(CLASSES, classes.toArray(String[]::new));
      }
      fields.add(new StructField(c.name, sparkType(c), false, m.build()));
    }
    return new StructType(fields.toArray(StructField[]::new));
  }

  private static DataType sparkType(Col c) {
    DataType element = switch (c.dtype) {
      case UINT8, STRING -> DataTypes.BinaryType;
      case INT64 -> DataTypes.LongType;
      case FLOAT32 -> DataTypes.FloatType;
    };
    return c.dtype == FeatureType.UINT8 || c.scalar() ? element : DataTypes.createArrayType(element, false);
  }

  /**
   * One Example as a row of these columns.
   *
   * @throws GuildException naming the feature when the Example does not fit the dataset's spec
   */
  Row toRow(ByteBuffer record, Map<String, FeatureSpec> specs) {
    Example e = Examples.parse(record);
    Object[] values = new Object[cols.size()];
    for (int i = 0; i < cols.size(); i++) {
      Col c = cols.get(i);
      specs.get(c.name).check(e);
      Feature f = e.getFeatures().getFeatureMap().get(c.name);
      values[i] = switch (c.dtype) {
        case UINT8 -> f.getBytesList().getValue(0).toByteArray();
        case INT64 -> c.scalar() ? (Object) f.getInt64List().getValue(0) : longs(f);
        case FLOAT32 -> c.scalar() ? (Object) f.getFloatList().getValue(0) : floats(f);
        case STRING -> c.scalar() ? f.getBytesList().getValue(0).toByteArray() : bytes(f);
      };
    }
    return RowFactory.create(values);
  }

  // Scala Seqs: what Spark's row encoders take for array columns.
  private static Seq<Long> longs(Feature f) {
    return CollectionConverters.asScala(f.getInt64List().getValueList()).toSeq();
  }

  private static Seq<Float> floats(Feature f) {
    return CollectionConverters.asScala(f.getFloatList().getValueList()).toSeq();
  }

  private static Seq<byte[]> bytes(Feature f) {
    return CollectionConverters.asScala(
        f.getBytesList().getValueList().stream().map(ByteString::toByteArray).toList()).toSeq();
  }

  /**
   * A row of any schema as an Example: binary columns as one bytes value, strings as UTF-8 bytes,
   * integers as int64, floating point as float32, arrays of these as lists; nulls are left out.
   *
   * @throws GuildException naming the column whose type has no Example form
   */
  static Example toExample(Row row, StructType schema) {
    Examples.Builder b = Examples.builder();
    for (int i = 0; i < schema.fields().length; i++) {
      if (row.isNullAt(i)) {
        continue;
      }
      StructField f = schema.fields()[i];
      DataType t = f.dataType();
      Object v = row.get(i);
      if (t instanceof ArrayType a) {
        List<Object> list = row.getList(i);
        DataType et = a.elementType();
        if (et.equals(DataTypes.LongType) || et.equals(DataTypes.IntegerType)
            || et.equals(DataTypes.ShortType) || et.equals(DataTypes.ByteType)) {
          b.int64(f.name(), list.stream().mapToLong(x -> ((Number) x).longValue()).toArray());
        } else if (et.equals(DataTypes.FloatType) || et.equals(DataTypes.DoubleType)) {
          float[] out = new float[list.size()];
          for (int j = 0; j < out.length; j++) {
            out[j] = ((Number) list.get(j)).floatValue();
          }
          b.float32(f.name(), out);
        } else if (et.equals(DataTypes.BinaryType)) {
          b.bytes(f.name(), list.toArray(byte[][]::new));
        } else if (et.equals(DataTypes.StringType)) {
          b.strings(f.name(), list.toArray(String[]::new));
        } else {
          throw unsupported(f);
        }
      } else if (t.equals(DataTypes.BinaryType)) {
        b.bytes(f.name(), (byte[]) v);
      } else if (t.equals(DataTypes.StringType)) {
        b.bytes(f.name(), ((String) v).getBytes(StandardCharsets.UTF_8));
      } else if (t.equals(DataTypes.LongType) || t.equals(DataTypes.IntegerType)
          || t.equals(DataTypes.ShortType) || t.equals(DataTypes.ByteType)) {
        b.int64(f.name(), ((Number) v).longValue());
      } else if (t.equals(DataTypes.FloatType) || t.equals(DataTypes.DoubleType)) {
        b.float32(f.name(), ((Number) v).floatValue());
      } else {
        throw unsupported(f);
      }
    }
    return b.build();
  }

  private static GuildException unsupported(StructField f) {
    return new GuildException(
        "column '" + f.name() + "' has type " + f.dataType().simpleString()
            + ", which a tf.train.Example cannot hold; use binary, string, integer, float or arrays of them");
  }

  /**
   * The {@code dataset.json} hints a schema's metadata gives: each feature's dtype and shape
   * where recorded, and the label's classes.
   */
  static Map<String, Object> hints(StructType schema) {
    Map<String, Object> features = new LinkedHashMap<>();
    List<String> classes = List.of();
    for (StructField f : schema.fields()) {
      Metadata m = f.metadata();
      if (m.contains(DTYPE) && m.contains(SHAPE)) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("dtype", m.getString(DTYPE));
        spec.put("shape", m.getLongArray(SHAPE));
        features.put(f.name(), spec);
      }
      if (m.contains(CLASSES)) {
        classes = List.of(m.getStringArray(CLASSES));
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    if (!features.isEmpty()) {
      out.put("features", features);
    }
    if (!classes.isEmpty()) {
      out.put("classes", classes);
    }
    return out;
  }

  /** The class names a schema's label column records, or empty. */
  static List<String> classes(StructType schema) {
    for (StructField f : schema.fields()) {
      if (f.metadata().contains(CLASSES)) {
        return List.of(f.metadata().getStringArray(CLASSES));
      }
    }
    return List.of();
  }
}
