package org.guildpkg.tf.model;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;

/**
 * What one input or output of a {@link ModelSignature} holds: its graph tensor, dtype and shape.
 *
 * <p>Reference dtypes ({@code DT_FLOAT_REF}, which TF1 variables give) are reported as their value
 * type, since that is what a call returns.
 *
 * @param tensorName the graph tensor that the signature binds, such as {@code x:0}
 * @param dataType TensorFlow's dtype
 * @param dims the dimensions, -1 for an unknown one; empty for a scalar or an unknown rank
 * @param unknownRank true when the signature does not say how many dimensions the tensor has
 */
public record TensorSpec(String tensorName, DataType dataType, List<Long> dims, boolean unknownRank) {

  /** Copies the dimensions and checks that the parts are present. */
  public TensorSpec {
    if (tensorName == null || dataType == null || dims == null) {
      throw new IllegalArgumentException("tensorName, dataType and dims are required");
    }
    dims = List.copyOf(dims);
    if (unknownRank && !dims.isEmpty()) {
      throw new IllegalArgumentException("a tensor of unknown rank has no dims: " + dims);
    }
  }

  /** Reads a SignatureDef's TensorInfo; a TensorInfo without a shape has an unknown rank. */
  static TensorSpec of(TensorInfo info) {
    DataType t = info.getDtype();
    if (t.getNumber() > 100) {
      DataType base = DataType.forNumber(t.getNumber() - 100);
      t = base == null ? t : base;
    }
    TensorShapeProto s = info.getTensorShape();
    boolean unknown = !info.hasTensorShape() || s.getUnknownRank();
    List<Long> dims =
        unknown ? List.of() : s.getDimList().stream().map(TensorShapeProto.Dim::getSize).toList();
    return new TensorSpec(info.getName(), t, dims, unknown);
  }

  /**
   * The dtype's name as manifests write it: {@code float32}, {@code int64}, {@code uint8},
   * {@code string}, and TensorFlow's lowercase Python names for the others ({@code float64},
   * {@code int32}, {@code bool}, ...).
   */
  public String dtype() {
    return dtypeName(dataType);
  }

  /** The shape, or empty when the rank is unknown. */
  public Optional<List<Long>> shape() {
    return unknownRank ? Optional.empty() : Optional.of(dims);
  }

  /** The shape as TensorFlow Java's {@link Shape} ({@link Shape#unknown()} for unknown rank). */
  public Shape tfShape() {
    return unknownRank ? Shape.unknown() : Shape.of(dims.stream().mapToLong(Long::longValue).toArray());
  }

  /**
   * True when a tensor of {@code shape} fits this spec. Dimension 0 is the batch dimension and may
   * have any size, as in TensorFlow Serving (TF2 exports often pin it to 1); the rank and every other
   * known dimension must match.
   */
  public boolean acceptsShape(Shape shape) {
    if (unknownRank || shape.isUnknown()) {
      return true;
    }
    if (shape.numDimensions() != dims.size()) {
      return false;
    }
    for (int i = 1; i < dims.size(); i++) {
      if (dims.get(i) >= 0 && shape.get(i) >= 0 && dims.get(i) != shape.get(i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * True when a tensor of {@code shape} broadcasts to this spec, the looser test that TensorFlow
   * Serving's REST API effectively applies (it feeds {@code [3]} to an input declared
   * {@code [-1, 1]}): the rank is at most this spec's and, aligned from the right, each dimension
   * equals this spec's or one of the two is 1 or unknown.
   */
  public boolean acceptsBroadcastShape(Shape shape) {
    if (unknownRank || shape.isUnknown()) {
      return true;
    }
    int n = shape.numDimensions();
    if (n > dims.size()) {
      return false;
    }
    for (int i = 1; i <= n; i++) {
      long want = dims.get(dims.size() - i);
      long got = shape.get(n - i);
      if (want >= 0 && got >= 0 && want != got && want != 1 && got != 1) {
        return false;
      }
    }
    return true;
  }

  /** The shape as text: {@code [-1, 1]}, {@code []} for a scalar, {@code unknown} for no rank. */
  public String shapeText() {
    return unknownRank ? "unknown" : dims.toString();
  }

  /**
   * The manifest's JSON form: {@code {"dtype": "float32", "shape": [-1, 1]}}, with
   * {@code "shape": null} for an unknown rank.
   */
  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("dtype", dtype());
    if (unknownRank) {
      o.putNull("shape");
    } else {
      ArrayNode a = o.putArray("shape");
      // As ints where they fit, so that the JSON read back from a manifest equals this.
      dims.forEach(d -> {
        if (d == d.intValue()) {
          a.add(d.intValue());
        } else {
          a.add(d);
        }
      });
    }
    return o;
  }

  @Override
  public String toString() {
    return dtype() + " " + shapeText();
  }

  /** The manifest name of a dtype (see {@link #dtype()}). */
  static String dtypeName(DataType t) {
    return switch (t) {
      case DT_FLOAT -> "float32";
      case DT_DOUBLE -> "float64";
      case DT_HALF -> "float16";
      case DT_BFLOAT16 -> "bfloat16";
      case DT_STRING -> "string";
      case DT_BOOL -> "bool";
      default -> {
        String n = t.name();
        yield n.startsWith("DT_") ? n.substring(3).toLowerCase(Locale.ROOT) : n.toLowerCase(Locale.ROOT);
      }
    };
  }
}
