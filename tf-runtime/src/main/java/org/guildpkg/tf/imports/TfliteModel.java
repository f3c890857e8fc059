package org.guildpkg.tf.imports;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.guildpkg.GuildException;

/**
 * The main subgraph of a TensorFlow Lite model file, read from its FlatBuffers form as the public
 * schema ({@code tensorflow/lite/schema/schema.fbs}) lays it out: tensors (shape, type, constant
 * data, quantization) and operators in execution order.
 *
 * <p>Field numbers below are the schema's field order; only what an importer of image classifiers
 * needs is read.
 */
record TfliteModel(Path file, List<TensorInfo> tensors, List<OperatorInfo> operators, int[] inputs, int[] outputs) {

  /** TensorType values of the schema. */
  static final int FLOAT32 = 0;
  static final int FLOAT16 = 1;
  static final int INT32 = 2;
  static final int UINT8 = 3;
  static final int INT64 = 4;
  static final int INT8 = 9;

  /** BuiltinOperator names by code, for the operators this importer knows and for errors. */
  static final Map<Integer, String> OP_NAMES = Map.ofEntries(
      Map.entry(0, "ADD"), Map.entry(1, "AVERAGE_POOL_2D"), Map.entry(2, "CONCATENATION"),
      Map.entry(3, "CONV_2D"), Map.entry(4, "DEPTHWISE_CONV_2D"), Map.entry(5, "DEPTH_TO_SPACE"),
      Map.entry(6, "DEQUANTIZE"), Map.entry(9, "FULLY_CONNECTED"), Map.entry(14, "LOGISTIC"),
      Map.entry(16, "LSTM"), Map.entry(17, "MAX_POOL_2D"), Map.entry(18, "MUL"), Map.entry(19, "RELU"),
      Map.entry(21, "RELU6"), Map.entry(22, "RESHAPE"), Map.entry(23, "RESIZE_BILINEAR"),
      Map.entry(25, "SOFTMAX"), Map.entry(28, "TANH"), Map.entry(32, "CUSTOM"), Map.entry(34, "PAD"),
      Map.entry(39, "TRANSPOSE"), Map.entry(40, "MEAN"), Map.entry(41, "SUB"), Map.entry(42, "DIV"),
      Map.entry(43, "SQUEEZE"), Map.entry(45, "STRIDED_SLICE"), Map.entry(49, "SPLIT"),
      Map.entry(53, "CAST"), Map.entry(83, "PACK"), Map.entry(98, "LEAKY_RELU"),
      Map.entry(114, "QUANTIZE"), Map.entry(117, "HARD_SWISH"));

  /**
   * One tensor of the subgraph.
   *
   * @param data its constant bytes (little-endian), empty for a computed tensor
   * @param scale quantization scales (one, or one per channel along {@code quantizedDimension});
   *     empty when not quantized
   */
  record TensorInfo(
      int index, String name, int type, int[] shape, ByteBuffer data, float[] scale, long[] zeroPoint,
      int quantizedDimension) {

    boolean isConstant() {
      return data.capacity() > 0;
    }

    long elementCount() {
      long n = 1;
      for (int d : shape) {
        n *= d;
      }
      return n;
    }

    /**
     * The tensor's constant values as float32: quantized integers become {@code (q - zero_point) *
     * scale}, per tensor or per channel.
     */
    float[] floats() {
      int n = Math.toIntExact(elementCount());
      float[] out = new float[n];
      ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
      int stride = 1;
      for (int d = quantizedDimension + 1; d < shape.length; d++) {
        stride *= shape[d];
      }
      int channels = scale.length;
      for (int k = 0; k < n; k++) {
        double q;
        switch (type) {
          case FLOAT32 -> q = b.getFloat(4 * k);
          case FLOAT16 -> q = halfToFloat(b.getShort(2 * k));
          case INT32 -> q = b.getInt(4 * k);
          case INT64 -> q = b.getLong(8 * k);
          case UINT8 -> q = Byte.toUnsignedInt(b.get(k));
          case INT8 -> q = b.get(k);
          default -> throw new GuildException("tensor '" + name + "' has TensorType " + type + ", which the importer does not read");
        }
        if (channels > 0 && type != FLOAT32 && type != FLOAT16) {
          int c = channels == 1 ? 0 : (k / stride) % channels;
          long zp = zeroPoint.length == 0 ? 0 : zeroPoint[zeroPoint.length == 1 ? 0 : c];
          q = (q - zp) * scale[c];
        }
        out[k] = (float) q;
      }
      return out;
    }

    private static float halfToFloat(short h) {
      int bits = h & 0xffff;
      int sign = (bits >>> 15) << 31;
      int exp = (bits >>> 10) & 0x1f;
      int mant = bits & 0x3ff;
      if (exp == 0) {
        float v = mant * 0x1p-24f;
        return sign == 0 ? v : -v;
      }
      if (exp == 31) {
        return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
      }
      return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** The constant values as integers (shapes, axes), without dequantizing. */
    long[] integers() {
      int n = Math.toIntExact(elementCount());
      long[] out = new long[n];
      ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
      for (int k = 0; k < n; k++) {
        out[k] = type == INT64 ? b.getLong(8 * k) : b.getInt(4 * k);
      }
      return out;
    }
  }

  /**
   * One operator, in execution order.
   *
   * @param inputs tensor indexes, -1 for an omitted optional input
   * @param options its builtin options table, or null
   */
  record OperatorInfo(int code, String customCode, int[] inputs, int[] outputs, FlatTable options) {
    String name() {
      if (code == 32) {
        return "CUSTOM(" + customCode + ")";
      }
      return OP_NAMES.getOrDefault(code, "builtin operator " + code);
    }
  }

  /**
   * Reads {@code file}.
   *
   * @throws GuildException naming the file when it cannot be read or is not a TensorFlow Lite model
   */
  static TfliteModel read(Path file) {
    ByteBuffer data;
    try {
      data = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    } catch (IOException e) {
      throw new GuildException("cannot read " + file + ": " + GuildException.reason(e), e);
    }
    if (data.limit() < 8 || data.get(4) != 'T' || data.get(5) != 'F' || data.get(6) != 'L' || data.get(7) != '3') {
      throw new GuildException(file + ": not a TensorFlow Lite model (no TFL3 file identifier at byte 4)");
    }
    try {
      return parse(file, data);
    } catch (IndexOutOfBoundsException | ArithmeticException e) {
      throw new GuildException(file + ": damaged TensorFlow Lite model (" + e.getMessage() + ")", e);
    }
  }

  private static TfliteModel parse(Path file, ByteBuffer data) {
    FlatTable model = FlatTable.root(data);
    // Model: version 0, operator_codes 1, subgraphs 2, description 3, buffers 4.
    int nCodes = model.vectorLength(1);
    int[] codes = new int[nCodes];
    String[] custom = new String[nCodes];
    for (int i = 0; i < nCodes; i++) {
      FlatTable oc = model.getTable(1, i);
      // OperatorCode: deprecated_builtin_code 0 (byte), custom_code 1, version 2, builtin_code 3 (int).
      codes[i] = Math.max(oc.getByte(0, 0), oc.getInt(3, 0));
      custom[i] = oc.getString(1);
    }
    if (model.vectorLength(2) < 1) {
      throw new GuildException(file + ": the TensorFlow Lite model has no subgraph");
    }
    int nBuffers = model.vectorLength(4);
    ByteBuffer[] buffers = new ByteBuffer[nBuffers];
    for (int i = 0; i < nBuffers; i++) {
      FlatTable b = model.getTable(4, i);
      // Buffer: data 0; offset 1 and size 2 (ulong) for data stored after the FlatBuffer.
      long offset = b.getUint(1, 0);
      if (offset > 1) {
        throw new GuildException(file + ": buffer " + i + " is stored outside the FlatBuffer (models over 2 GB), which the importer does not read");
      }
      buffers[i] = b.getBytes(0);
    }
    FlatTable sub = model.getTable(2, 0);
    // SubGraph: tensors 0, inputs 1, outputs 2, operators 3, name 4.
    List<TensorInfo> tensors = new ArrayList<>();
    int nTensors = sub.vectorLength(0);
    for (int i = 0; i < nTensors; i++) {
      FlatTable t = sub.getTable(0, i);
      // Tensor: shape 0, type 1, buffer 2, name 3, quantization 4.
      int bufIndex = (int) t.getUint(2, 0);
      ByteBuffer bytes = bufIndex < nBuffers ? buffers[bufIndex] : ByteBuffer.allocate(0);
      FlatTable q = t.getTable(4);
      float[] scale = new float[0];
      long[] zp = new long[0];
      int qdim = 0;
      if (q != null) {
        // QuantizationParameters: min 0, max 1, scale 2, zero_point 3, details 4-5, quantized_dimension 6.
        scale = q.getFloats(2);
        zp = q.getLongs(3);
        qdim = q.getInt(6, 0);
      }
      tensors.add(new TensorInfo(i, t.getString(3), t.getByte(1, 0), t.getInts(0), bytes, scale, zp, qdim));
    }
    List<OperatorInfo> ops = new ArrayList<>();
    int nOps = sub.vectorLength(3);
    for (int i = 0; i < nOps; i++) {
      FlatTable o = sub.getTable(3, i);
      // Operator: opcode_index 0, inputs 1, outputs 2, builtin_options_type 3, builtin_options 4.
      int oc = (int) o.getUint(0, 0);
      if (oc >= nCodes) {
        throw new GuildException(file + ": operator " + i + " names operator code " + oc + " of " + nCodes);
      }
      ops.add(new OperatorInfo(codes[oc], custom[oc], o.getInts(1), o.getInts(2), o.getTable(4)));
    }
    return new TfliteModel(file, List.copyOf(tensors), List.copyOf(ops), sub.getInts(1), sub.getInts(2));
  }
}
