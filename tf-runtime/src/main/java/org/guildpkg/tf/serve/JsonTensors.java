package org.guildpkg.tf.serve;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.guildpkg.tf.model.TensorSpec;
import org.tensorflow.proto.DataType;

/**
 * TensorFlow Serving's JSON mapping of tensors (its {@code json_tensor.cc}): request values to
 * {@link HostTensor}s in row ({@code instances}) and columnar ({@code inputs}) form, and outputs
 * back to {@code predictions} and {@code outputs}, with the same rules and error messages: numbers
 * must fit the dtype without loss, lists must be dense, binary strings are {@code {"b64": ...}},
 * and outputs whose name ends in {@code _bytes} are written as base64.
 */
final class JsonTensors {
  /** Float32 holds integers up to 2^24 exactly. */
  private static final long MAX_EXACT_FLOAT = (1L << 24) - 1;
  /** Float64 holds integers up to 2^53 exactly. */
  private static final long MAX_EXACT_DOUBLE = (1L << 53) - 1;
  private static final int MAX_ECHO = 120;
  /** The most values made room for before they are read: 4 Mi (16 MiB of floats). */
  private static final int MAX_PRESIZE = 1 << 22;

  private JsonTensors() {}

  // ---- requests -------------------------------------------------------------------------------

  /** The tensors of a row-form request: one element of {@code instances} per batch row. */
  static Map<String, HostTensor> fromInstances(JsonNode instances, Map<String, TensorSpec> inputs) {
    JsonNode first = instances.get(0);
    if (!first.isObject() && inputs.size() > 1) {
      throw ApiException.badRequest(
          "instances is a plain list, but expecting list of objects as multiple input tensors"
              + " required as per tensorinfo_map");
    }
    boolean objects = isNamedObject(first);
    Map<String, Column> columns = new LinkedHashMap<>();
    int item = 0;
    for (JsonNode elem : instances) {
      if (objects) {
        if (!isNamedObject(elem)) {
          throw ApiException.badRequest(
              "Expecting object but got list at item " + item + " of input list");
        }
        Set<String> keys = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = elem.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> kv = it.next();
          keys.add(kv.getKey());
          try {
            addInstanceItem(kv.getValue(), kv.getKey(), inputs, columns, instances.size());
          } catch (ApiException e) {
            throw ApiException.badRequest("Failed to process element: " + item + " key: "
                + kv.getKey() + " of 'instances' list. Error: " + e.getMessage());
          }
        }
        if (!keys.equals(new TreeSet<>(inputs.keySet()))) {
          throw ApiException.badRequest("Failed to process element: " + item
              + " of 'instances' list. JSON object: " + echo(elem) + " must only have keys: "
              + String.join(",", new TreeSet<>(inputs.keySet())));
        }
      } else {
        if (isNamedObject(elem)) {
          throw ApiException.badRequest(
              "Expecting value/list but got object at item " + item + " of input list");
        }
        String name = inputs.keySet().iterator().next();
        try {
          addInstanceItem(elem, name, inputs, columns, instances.size());
        } catch (ApiException e) {
          throw ApiException.badRequest("Failed to process element: " + item
              + " of 'instances' list. Error: " + e.getMessage());
        }
      }
      item++;
    }
    Map<String, HostTensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, Column> e : columns.entrySet()) {
      Column c = e.getValue();
      long[] shape = new long[c.itemShape.length + 1];
      shape[0] = item;
      System.arraycopy(c.itemShape, 0, shape, 1, c.itemShape.length);
      out.put(e.getKey(), new HostTensor(c.dtype, shape, c.values.array()));
    }
    return out;
  }

  /** The tensors of a columnar request: {@code inputs} holds each input whole. */
  static Map<String, HostTensor> fromInputs(JsonNode value, Map<String, TensorSpec> inputs) {
    Map<String, HostTensor> out = new LinkedHashMap<>();
    if (!value.isObject() || isBase64(value)) {
      if (inputs.size() != 1) {
        throw ApiException.badRequest(
            "inputs is a plain value/list, but expecting an object as multiple input tensors"
                + " required as per tensorinfo_map");
      }
      Map.Entry<String, TensorSpec> only = inputs.entrySet().iterator().next();
      out.put(only.getKey(), tensor(value, only.getValue().dataType()));
      return out;
    }
    for (Map.Entry<String, TensorSpec> e : inputs.entrySet()) {
      JsonNode v = value.get(e.getKey());
      if (v == null) {
        throw ApiException.badRequest("Missing named input: " + e.getKey() + " in 'inputs' object.");
      }
      out.put(e.getKey(), tensor(v, e.getValue().dataType()));
    }
    return out;
  }

  /** One tensor from a JSON value: a scalar, or lists nested as deep as the tensor's rank. */
  static HostTensor tensor(JsonNode value, DataType dtype) {
    long[] shape = denseShape(value);
    Values values = Values.of(dtype, count(shape));
    fill(value, 0, shape, values);
    return new HostTensor(dtype, shape, values.array());
  }

  private static final class Column {
    final DataType dtype;
    final Values values;
    long[] itemShape;
    int itemSize = -1;

    Column(DataType dtype, long expected) {
      this.dtype = dtype;
      this.values = Values.of(dtype, expected);
    }
  }

  private static void addInstanceItem(
      JsonNode item, String name, Map<String, TensorSpec> inputs, Map<String, Column> columns,
      int rows) {
    TensorSpec spec = inputs.get(name);
    if (spec == null) {
      throw ApiException.badRequest("JSON object: does not have named input: " + name);
    }
    long[] shape = denseShape(item);
    Column c = columns.computeIfAbsent(name, n -> new Column(spec.dataType(), count(shape) * rows));
    int before = c.values.size();
    fill(item, 0, shape, c.values);
    int size = c.values.size() - before;
    if (c.itemShape == null) {
      c.itemShape = shape;
      c.itemSize = size;
    } else if (c.itemSize != size) {
      throw ApiException.badRequest("Expecting tensor size: " + c.itemSize + " but got: " + size);
    } else if (!Arrays.equals(c.itemShape, shape)) {
      throw ApiException.badRequest(
          "Expecting shape " + shapeText(c.itemShape) + " but got: " + shapeText(shape));
    }
  }

  /** The number of values a dense tensor of {@code shape} holds, saturated at Long.MAX_VALUE. */
  private static long count(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n = d != 0 && n > Long.MAX_VALUE / d ? Long.MAX_VALUE : n * d;
    }
    return n;
  }

  /** The shape that the first element at each level implies, as TensorFlow Serving reads it. */
  private static long[] denseShape(JsonNode v) {
    List<Long> dims = new ArrayList<>();
    JsonNode n = v;
    while (n.isArray()) {
      dims.add((long) n.size());
      if (n.isEmpty()) {
        break;
      }
      n = n.get(0);
    }
    return dims.stream().mapToLong(Long::longValue).toArray();
  }

  private static void fill(JsonNode v, int level, long[] shape, Values out) {
    int rank = shape.length;
    if (!v.isArray()) {
      if (level != rank) {
        throw ApiException.badRequest("JSON Value: " + echo(v) + " found at incorrect level: "
            + (level + 1) + " in the JSON DOM. Expected at level: " + rank);
      }
      out.add(v);
      return;
    }
    if (level >= rank) {
      throw ApiException.badRequest(
          "Encountered list at unexpected level: " + level + " expected < " + rank);
    }
    if (v.size() != shape[level]) {
      throw ApiException.badRequest("Encountered list at unexpected size: " + v.size()
          + " at level: " + level + " expected size: " + shape[level]);
    }
    for (JsonNode e : v) {
      fill(e, level + 1, shape, out);
    }
  }

  static boolean isBase64(JsonNode v) {
    return v.isObject() && v.size() == 1 && v.path("b64").isTextual();
  }

  private static boolean isNamedObject(JsonNode v) {
    return v.isObject() && !isBase64(v);
  }

  static byte[] decodeBase64(JsonNode v) {
    if (!isBase64(v)) {
      throw ApiException.badRequest(
          "JSON Value: " + echo(v) + " not formatted correctly for base64 data");
    }
    String s = v.get("b64").textValue();
    try {
      return Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      try {
        return Base64.getUrlDecoder().decode(s);
      } catch (IllegalArgumentException e2) {
        throw ApiException.badRequest("Unable to base64 decode");
      }
    }
  }

  /** TensorFlow's name of a dtype in messages: {@code float}, {@code int64}, {@code string}. */
  static String typeName(DataType t) {
    String n = t.name();
    return (n.startsWith("DT_") ? n.substring(3) : n).toLowerCase(Locale.ROOT);
  }

  static String jsonType(JsonNode v) {
    return switch (v.getNodeType()) {
      case NULL, MISSING -> "Null";
      case BOOLEAN -> v.booleanValue() ? "True" : "False";
      case OBJECT, POJO -> "Object";
      case ARRAY -> "Array";
      case STRING, BINARY -> "String";
      case NUMBER -> "Number";
    };
  }

  /** A JSON value for an error message, cut short. */
  static String echo(JsonNode v) {
    String s = v.toString();
    return s.length() <= MAX_ECHO ? s : s.substring(0, MAX_ECHO) + "...";
  }

  static String shapeText(long[] shape) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < shape.length; i++) {
      b.append(i == 0 ? "" : ",").append(shape[i]);
    }
    return b.append(']').toString();
  }

  static ApiException typeError(JsonNode v, DataType t) {
    return ApiException.badRequest("JSON Value: " + echo(v) + " Type: " + jsonType(v)
        + " is not of expected type: " + typeName(t));
  }

  static ApiException lossy(JsonNode v, String target) {
    return ApiException.badRequest("Cannot convert JSON value: " + echo(v) + " to " + target
        + " without loss of precision.");
  }

  /** The value as a float when it fits one without loss, as TensorFlow Serving requires. */
  static float exactFloat(JsonNode v) {
    if (v.isIntegralNumber()) {
      if (!v.canConvertToLong() || Math.abs(v.longValue()) > MAX_EXACT_FLOAT) {
        throw lossy(v, "float");
      }
      return v.longValue();
    }
    double d = doubleOf(v, "float");
    if (Double.isFinite(d) && Math.abs(d) > Float.MAX_VALUE) {
      throw lossy(v, "float");
    }
    return (float) d;
  }

  private static double doubleOf(JsonNode v, String target) {
    if (v.isBigDecimal()) {
      BigDecimal b = v.decimalValue();
      double d = b.doubleValue();
      if (Double.isInfinite(d)) {
        throw lossy(v, target);
      }
      return d;
    }
    return v.doubleValue(); // NaN, Infinity and -Infinity tokens
  }

  /**
   * The leaf values of one tensor in the order they come, checked (so errors name the element) and
   * stored at once in a growing array of the dtype's primitive type: a body's tensors take no more
   * heap than their values.
   */
  private static final class Values {
    final DataType dtype;
    private Object buf;
    private int n;

    private Values(DataType dtype, int capacity) {
      this.dtype = dtype;
      this.buf = newArray(dtype, capacity);
    }

    /**
     * Values of a dtype, with room for the {@code expected} values a dense tensor of the first
     * element's shape holds (so that the array is made once, not grown and copied), but no more
     * than {@link #MAX_PRESIZE}: a list that is not dense only claims its size.
     */
    static Values of(DataType t, long expected) {
      if (!HostTensor.canFeed(t)) {
        throw ApiException.badRequest(
            "Conversion of JSON values to type: " + typeName(t) + " is not supported");
      }
      return new Values(t, (int) Math.max(1, Math.min(expected, MAX_PRESIZE)));
    }

    private static Object newArray(DataType t, int n) {
      return switch (t) {
        case DT_FLOAT -> new float[n];
        case DT_DOUBLE -> new double[n];
        case DT_INT32, DT_UINT8 -> new int[n];
        case DT_INT64 -> new long[n];
        case DT_BOOL -> new boolean[n];
        default -> new byte[n][];
      };
    }

    int size() {
      return n;
    }

    /** Checks a leaf against the dtype and appends it. */
    void add(JsonNode v) {
      int capacity = java.lang.reflect.Array.getLength(buf);
      if (n == capacity) {
        buf = copy(buf, capacity + (capacity >> 1) + 1);
      }
      put(buf, n, v);
      n++;
    }

    /** The values as the array {@link HostTensor} holds for the dtype. */
    Object array() {
      if (n == java.lang.reflect.Array.getLength(buf)) {
        return buf;
      }
      Object a = copy(buf, n);
      buf = newArray(dtype, 0);
      n = 0;
      return a;
    }

    private Object copy(Object from, int length) {
      Object to = newArray(dtype, length);
      System.arraycopy(from, 0, to, 0, Math.min(n, length));
      return to;
    }

    /** Converts one leaf and stores it at {@code a[i]}. */
    private void put(Object a, int i, JsonNode v) {
      if (v.isObject() && dtype != DataType.DT_STRING) {
        throw typeError(v, dtype);
      }
      switch (dtype) {
        case DT_FLOAT -> {
          float f = exactFloat(number(v));
          ((float[]) a)[i] = f;
        }
        case DT_DOUBLE -> {
          double d = exactDouble(number(v));
          ((double[]) a)[i] = d;
        }
        case DT_INT32, DT_UINT8 -> {
          int x = integer(v);
          ((int[]) a)[i] = x;
        }
        case DT_INT64 -> {
          if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw typeError(v, dtype);
          }
          ((long[]) a)[i] = v.longValue();
        }
        case DT_BOOL -> {
          if (!v.isBoolean()) {
            throw typeError(v, dtype);
          }
          ((boolean[]) a)[i] = v.booleanValue();
        }
        default -> { // DT_STRING
          if (v.isObject() && !isBase64(v)) {
            throw ApiException.badRequest(
                "JSON Value: " + echo(v) + " not formatted correctly for base64 data");
          }
          if (!v.isObject() && !v.isTextual()) {
            throw typeError(v, dtype);
          }
          ((byte[][]) a)[i] = v.isObject()
              ? decodeBase64(v)
              : v.textValue().getBytes(StandardCharsets.UTF_8);
        }
      }
    }

    private JsonNode number(JsonNode v) {
      if (!v.isNumber()) {
        throw typeError(v, dtype);
      }
      return v;
    }

    private int integer(JsonNode v) {
      if (!v.isIntegralNumber() || !v.canConvertToInt()
          || (dtype == DataType.DT_UINT8 && (v.intValue() < 0 || v.intValue() > 255))) {
        throw typeError(v, dtype);
      }
      return v.intValue();
    }
  }

  private static double exactDouble(JsonNode v) {
    if (v.isIntegralNumber()) {
      if (!v.canConvertToLong() || Math.abs(v.longValue()) > MAX_EXACT_DOUBLE) {
        throw lossy(v, "double");
      }
      return v.longValue();
    }
    return doubleOf(v, "double");
  }

  // ---- replies --------------------------------------------------------------------------------

  /**
   * Writes {@code "predictions": [...]} of a row-form request: row i of every output, the plain
   * value when there is one output, else an object of the outputs by name.
   */
  static void writePredictions(JsonGenerator g, Map<String, HostTensor> outputs) throws IOException {
    long batch = 0;
    for (Map.Entry<String, HostTensor> e : outputs.entrySet()) {
      HostTensor t = e.getValue();
      if (t.shape().length == 0) {
        throw ApiException.badRequest("Tensor name: " + e.getKey() + " has no shape information ");
      }
      long rows = t.rows();
      if (rows < 1) {
        throw ApiException.badRequest(
            "Tensor name: " + e.getKey() + " has invalid batch size: " + rows);
      }
      if (batch != 0 && batch != rows) {
        throw ApiException.badRequest("Tensor name: " + e.getKey()
            + " has inconsistent batch size: " + rows + " expecting: " + batch);
      }
      batch = rows;
    }
    boolean objects = outputs.size() > 1;
    g.writeFieldName("predictions");
    g.writeStartArray();
    for (int row = 0; row < batch; row++) {
      if (objects) {
        g.writeStartObject();
      }
      for (Map.Entry<String, HostTensor> e : outputs.entrySet()) {
        HostTensor t = e.getValue();
        if (objects) {
          g.writeFieldName(e.getKey());
        }
        int[] offset = {row * t.stride()};
        writeValues(g, t, bytes(e.getKey(), t), 1, offset);
      }
      if (objects) {
        g.writeEndObject();
      }
    }
    g.writeEndArray();
  }

  /** Writes {@code "outputs": ...} of a columnar request: each output whole. */
  static void writeOutputs(JsonGenerator g, Map<String, HostTensor> outputs) throws IOException {
    boolean objects = outputs.size() > 1;
    g.writeFieldName("outputs");
    if (objects) {
      g.writeStartObject();
    }
    for (Map.Entry<String, HostTensor> e : outputs.entrySet()) {
      if (objects) {
        g.writeFieldName(e.getKey());
      }
      writeValues(g, e.getValue(), bytes(e.getKey(), e.getValue()), 0, new int[] {0});
    }
    if (objects) {
      g.writeEndObject();
    }
  }

  private static boolean bytes(String name, HostTensor t) {
    return t.dtype() == DataType.DT_STRING && name.endsWith("_bytes");
  }

  private static void writeValues(JsonGenerator g, HostTensor t, boolean b64, int dim, int[] offset)
      throws IOException {
    long[] shape = t.shape();
    if (dim > shape.length - 1) {
      writeValue(g, t, b64, offset[0]++);
      return;
    }
    g.writeStartArray();
    for (long i = 0; i < shape[dim]; i++) {
      writeValues(g, t, b64, dim + 1, offset);
    }
    g.writeEndArray();
  }

  static void writeValue(JsonGenerator g, HostTensor t, boolean b64, int i) throws IOException {
    Object d = t.data();
    if (d instanceof float[] a) {
      g.writeNumber(a[i]);
    } else if (d instanceof double[] a) {
      g.writeNumber(a[i]);
    } else if (d instanceof int[] a) {
      g.writeNumber(a[i]);
    } else if (d instanceof long[] a) {
      g.writeNumber(a[i]);
    } else if (d instanceof boolean[] a) {
      g.writeBoolean(a[i]);
    } else if (d instanceof byte[][] a) {
      if (b64) {
        g.writeStartObject();
        g.writeStringField("b64", Base64.getEncoder().encodeToString(a[i]));
        g.writeEndObject();
      } else {
        g.writeString(new String(a[i], StandardCharsets.UTF_8));
      }
    } else {
      throw new ApiException(500, "Failed to write JSON value for tensor type: "
          + typeName(t.dtype()));
    }
  }
}
