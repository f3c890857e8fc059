package org.guildpkg.tf.serve;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.guildpkg.tf.model.TensorSpec;
import org.tensorflow.proto.DataType;

/**
 * The streaming fast path of a {@code :predict} body: numbers read by Jackson's {@link JsonParser}
 * straight into one growing array per input with its dense shape, no JSON tree in between.
 *
 * <p>It takes only the common, well-formed bodies: an object of {@code signature_name} (a
 * string) and one of {@code instances} (a list of values or of objects by input name) or
 * {@code inputs} (a value or an object by input name), whose leaves are numbers in lists that are
 * dense, for float, double, int32, uint8 and int64 inputs, that fit the dtype without loss.
 * Anything else (other keys, strings, booleans, null, {@code b64}, NaN and Infinity, empty or
 * ragged lists, a number the dtype does not hold, a body over {@link #MAX_BODY} bytes, malformed
 * JSON) answers {@code null}, and the caller takes {@link JsonTensors}' tree path, which gives
 * every error message. So the two paths give the same tensors wherever this one answers; numbers
 * convert as the tree path converts them (a decimal to the nearest double, then to float;
 * {@code -0.0} as {@code 0.0}, as the tree's exact decimals have no negative zero).
 */
final class FastPredict {
  /** Larger bodies take the tree path, whose memory per byte of body is bounded and tested. */
  static final int MAX_BODY = 1 << 20;
  /** Float32 holds integers up to 2^24 exactly (as {@link JsonTensors}). */
  private static final long MAX_EXACT_FLOAT = (1L << 24) - 1;
  /** Float64 holds integers up to 2^53 exactly. */
  private static final long MAX_EXACT_DOUBLE = (1L << 53) - 1;
  /** Values per block of a column. */
  private static final int BLOCK = 8192;

  private FastPredict() {}

  /**
   * A body read by the fast path.
   *
   * @param signatureName the {@code signature_name} sent, or null
   * @param rows true for {@code instances}, false for {@code inputs}
   * @param columns the values by input name; "" for a plain (unnamed) value
   * @param items the number of {@code instances} (0 for {@code inputs})
   */
  record Body(String signatureName, boolean rows, Map<String, Column> columns, int items) {

    /**
     * The tensors for a signature's inputs, or null when the body does not fit them without a
     * question (names, dtypes, lossless numbers): the tree path then answers, error or not.
     */
    Map<String, HostTensor> tensors(Map<String, TensorSpec> inputs) {
      if (inputs.isEmpty()) {
        return null;
      }
      Map<String, HostTensor> out = new LinkedHashMap<>();
      if (columns.containsKey("")) {
        if (inputs.size() != 1 || columns.size() != 1) {
          return null;
        }
        Map.Entry<String, TensorSpec> only = inputs.entrySet().iterator().next();
        HostTensor t = columns.get("").tensor(only.getValue().dataType(), rows ? items : -1);
        if (t == null) {
          return null;
        }
        out.put(only.getKey(), t);
        return out;
      }
      if (!columns.keySet().equals(inputs.keySet())) {
        return null;
      }
      for (Map.Entry<String, TensorSpec> e : inputs.entrySet()) {
        Column c = columns.get(e.getKey());
        if (rows && c.rows != items) {
          return null;
        }
        HostTensor t = c.tensor(e.getValue().dataType(), rows ? items : -1);
        if (t == null) {
          return null;
        }
        out.put(e.getKey(), t);
      }
      return out;
    }
  }

  /** Reads a body, or answers null when it is not one the fast path takes. */
  static Body read(JsonFactory factory, byte[] body) {
    if (body.length == 0 || body.length > MAX_BODY) {
      return null;
    }
    try (JsonParser p = factory.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      String sig = null;
      Boolean rows = null;
      Map<String, Column> columns = null;
      int[] items = {0};
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        JsonToken v = p.nextToken();
        switch (key) {
          case "signature_name" -> {
            if (v != JsonToken.VALUE_STRING) {
              return null;
            }
            sig = p.getText();
          }
          case "instances", "inputs" -> {
            if (rows != null) {
              return null;
            }
            rows = key.equals("instances");
            columns = rows ? instances(p, items) : inputs(p);
            if (columns == null) {
              return null;
            }
          }
          default -> {
            return null;
          }
        }
      }
      if (t != JsonToken.END_OBJECT || p.nextToken() != null || rows == null) {
        return null;
      }
      return new Body(sig, rows, columns, items[0]);
    } catch (IOException e) {
      return null; // malformed or over a limit: the tree path says what is wrong
    }
  }

  /** {@code instances}: a list of plain values, or of objects by input name. */
  private static Map<String, Column> instances(JsonParser p, int[] items) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      return null;
    }
    Map<String, Column> columns = new LinkedHashMap<>();
    Boolean objects = null;
    while (p.nextToken() != JsonToken.END_ARRAY) {
      boolean object = p.currentToken() == JsonToken.START_OBJECT;
      if (objects == null) {
        objects = object;
      } else if (objects != object) {
        return null;
      }
      if (object) {
        if (!named(p, columns, true)) {
          return null;
        }
      } else {
        Column c = columns.computeIfAbsent("", k -> new Column());
        if (!c.value(p, 0)) {
          return null;
        }
        c.rows++;
      }
      items[0]++;
    }
    return items[0] == 0 ? null : columns;
  }

  /** {@code inputs}: one plain value, or an object by input name. */
  private static Map<String, Column> inputs(JsonParser p) throws IOException {
    Map<String, Column> columns = new LinkedHashMap<>();
    if (p.currentToken() == JsonToken.START_OBJECT) {
      return named(p, columns, false) && !columns.isEmpty() ? columns : null;
    }
    Column c = new Column();
    columns.put("", c);
    return c.value(p, 0) ? columns : null;
  }

  /** The fields of an object of values by input name, each added to its column. */
  private static boolean named(JsonParser p, Map<String, Column> columns, boolean row)
      throws IOException {
    int fields = 0;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      if (name.isEmpty() || name.equals("b64")) {
        return false; // {"b64": ...} is binary data, not an input named b64
      }
      p.nextToken();
      Column c = columns.computeIfAbsent(name, k -> new Column());
      if (!c.value(p, 0)) {
        return false;
      }
      c.rows++;
      fields++;
    }
    return fields > 0;
  }

  /**
   * The values of one input in the order they come, as doubles (each number a double holds
   * exactly), with what the dtype checks need, and the dense shape of one item.
   */
  static final class Column {
    /** The values in blocks of {@link #BLOCK} (so growing copies nothing), the last one partly. */
    private final List<double[]> blocks = new ArrayList<>();
    private double[] last = new double[16];
    private int n;
    private boolean floats;
    private long minInt;
    private long maxInt;
    private double maxAbsFloat;
    /** The size of the lists at each depth of an item, -1 until one is seen. */
    private final long[] dims = new long[RestApi.MAX_NESTING + 1];
    /** The depth of the leaves, -1 until one is seen. */
    private int rank = -1;
    int rows;

    Column() {
      Arrays.fill(dims, -1);
    }

    /** Reads the value at the parser's current token, {@code depth} lists deep in the item. */
    boolean value(JsonParser p, int depth) throws IOException {
      JsonToken t = p.currentToken();
      if (t == JsonToken.START_ARRAY) {
        if (depth >= dims.length) {
          return false;
        }
        long count = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
          if (!value(p, depth + 1)) {
            return false;
          }
          count++;
        }
        if (count == 0 || (dims[depth] != -1 && dims[depth] != count)) {
          return false;
        }
        dims[depth] = count;
        return true;
      }
      if (rank == -1) {
        rank = depth;
      } else if (rank != depth) {
        return false;
      }
      double d;
      if (t == JsonToken.VALUE_NUMBER_INT) {
        JsonParser.NumberType nt = p.getNumberType();
        if (nt != JsonParser.NumberType.INT && nt != JsonParser.NumberType.LONG) {
          return false;
        }
        long x = p.getLongValue();
        if (x > MAX_EXACT_DOUBLE || x < -MAX_EXACT_DOUBLE) {
          return false;
        }
        minInt = Math.min(minInt, x);
        maxInt = Math.max(maxInt, x);
        d = x;
      } else if (t == JsonToken.VALUE_NUMBER_FLOAT) {
        d = p.getDoubleValue();
        if (!Double.isFinite(d)) {
          return false; // NaN, Infinity, or a literal too large: the tree path decides
        }
        if (d == 0) {
          d = 0.0; // an exact decimal has no negative zero
        }
        floats = true;
        maxAbsFloat = Math.max(maxAbsFloat, Math.abs(d));
      } else {
        return false;
      }
      int at = n % BLOCK;
      if (at == 0 && n > 0) {
        blocks.add(last);
        last = new double[BLOCK];
      } else if (at == last.length) {
        last = Arrays.copyOf(last, Math.min(BLOCK, at * 4)); // small columns stay small
      }
      last[at] = d;
      n++;
      return true;
    }

    /**
     * The tensor of these values for a dtype, with {@code items} rows in front of the item shape
     * (none when negative), or null when a value does not fit the dtype or the dtype is not one
     * the fast path takes.
     */
    HostTensor tensor(DataType dtype, int items) {
      if (rank < 0) {
        return null;
      }
      long[] shape;
      if (items >= 0) {
        shape = new long[rank + 1];
        shape[0] = items;
        System.arraycopy(dims, 0, shape, 1, rank);
      } else {
        shape = Arrays.copyOf(dims, rank);
      }
      long count = 1;
      for (long s : shape) {
        count *= s;
      }
      if (count != n) {
        return null;
      }
      Object data;
      switch (dtype) {
        case DT_FLOAT -> {
          if (maxInt > MAX_EXACT_FLOAT || minInt < -MAX_EXACT_FLOAT
              || maxAbsFloat > Float.MAX_VALUE) {
            return null;
          }
          float[] a = new float[n];
          for (int i = 0; i < n; i++) {
            a[i] = (float) at(i);
          }
          data = a;
        }
        case DT_DOUBLE -> data = values();
        case DT_INT32, DT_UINT8 -> {
          long lo = dtype == DataType.DT_UINT8 ? 0 : Integer.MIN_VALUE;
          long hi = dtype == DataType.DT_UINT8 ? 255 : Integer.MAX_VALUE;
          if (floats || minInt < lo || maxInt > hi) {
            return null;
          }
          int[] a = new int[n];
          for (int i = 0; i < n; i++) {
            a[i] = (int) at(i);
          }
          data = a;
        }
        case DT_INT64 -> {
          if (floats) {
            return null;
          }
          long[] a = new long[n];
          for (int i = 0; i < n; i++) {
            a[i] = (long) at(i);
          }
          data = a;
        }
        default -> {
          return null;
        }
      }
      return new HostTensor(dtype, shape, data);
    }

    /** Value i. */
    private double at(int i) {
      int b = i / BLOCK;
      return b < blocks.size() ? blocks.get(b)[i % BLOCK] : last[i % BLOCK];
    }

    /** The values in one array. */
    private double[] values() {
      double[] all = new double[n];
      int at = 0;
      for (double[] b : blocks) {
        System.arraycopy(b, 0, all, at, BLOCK);
        at += BLOCK;
      }
      System.arraycopy(last, 0, all, at, n - at);
      return all;
    }
  }
}
