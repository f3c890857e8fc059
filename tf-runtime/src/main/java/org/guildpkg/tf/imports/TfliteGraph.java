package org.guildpkg.tf.imports;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.guildpkg.GuildException;
import org.guildpkg.tf.imports.ImageModelExport.Heads;
import org.guildpkg.tf.imports.TfliteModel.OperatorInfo;
import org.guildpkg.tf.imports.TfliteModel.TensorInfo;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.op.nn.Conv2d;
import org.tensorflow.op.nn.DepthwiseConv2dNative;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Rebuilds a TensorFlow Lite model's subgraph as TensorFlow ops computing in float32: quantized
 * weights and biases become float constants ({@code (q - zero_point) * scale}, per tensor or per
 * channel), quantized activations are computed in float without requantizing, and QUANTIZE /
 * DEQUANTIZE of computed values become no-ops. The batch dimension, 1 in the file, becomes
 * free.
 *
 * <p>It also finds the classifier's head: the last CONV_2D or FULLY_CONNECTED before the output
 * (through RESHAPE, SQUEEZE, SOFTMAX and (DE)QUANTIZE), whose input is the penultimate layer's
 * features, and adds a softmax when the model ends in logits.
 */
final class TfliteGraph implements ImageModelExport.Body {
  private static final Set<String> PASS_THROUGH = Set.of("RESHAPE", "SQUEEZE", "SOFTMAX", "QUANTIZE", "DEQUANTIZE");

  private final TfliteModel model;

  TfliteGraph(TfliteModel model) {
    this.model = model;
    int[] in = model.inputs();
    if (in.length != 1 || model.outputs().length != 1) {
      throw new GuildException(model.file() + ": the model has " + in.length + " inputs and "
          + model.outputs().length + " outputs; an image classifier has one of each");
    }
    int[] shape = input().shape();
    if (shape.length != 4 || shape[3] != 3) {
      throw new GuildException(model.file() + ": input '" + input().name() + "' has shape "
          + java.util.Arrays.toString(shape) + "; an image classifier takes [1, height, width, 3]");
    }
    for (OperatorInfo op : model.operators()) {
      if (!supported(op.name())) {
        throw new GuildException(model.file() + ": operator " + op.name()
            + " is not supported by the TensorFlow Lite importer (it knows " + String.join(", ", SUPPORTED) + ")");
      }
    }
  }

  private static final List<String> SUPPORTED = List.of(
      "ADD", "SUB", "MUL", "AVERAGE_POOL_2D", "MAX_POOL_2D", "CONV_2D", "DEPTHWISE_CONV_2D",
      "FULLY_CONNECTED", "RESHAPE", "SQUEEZE", "SOFTMAX", "MEAN", "QUANTIZE", "DEQUANTIZE", "RELU",
      "RELU6", "LOGISTIC", "TANH", "HARD_SWISH", "PAD", "CONCATENATION");

  private static boolean supported(String name) {
    return SUPPORTED.contains(name);
  }

  TensorInfo input() {
    return model.tensors().get(model.inputs()[0]);
  }

  /** The image height and width the model takes. */
  int[] size() {
    int[] s = input().shape();
    return new int[] {s[1], s[2]};
  }

  @Override
  public Heads build(Ops tf, Operand<TFloat32> images) {
    Map<Integer, Operand<TFloat32>> values = new HashMap<>();
    values.put(model.inputs()[0], images);
    int head = headOperator();
    Operand<TFloat32> features = null;
    List<OperatorInfo> ops = model.operators();
    for (int i = 0; i < ops.size(); i++) {
      OperatorInfo op = ops.get(i);
      if (i == head) {
        Operand<TFloat32> f = value(tf, values, op.inputs()[0]);
        features = tf.reshape(f, tf.constant(new long[] {-1, featureSize(op.inputs()[0])}));
      }
      Operand<TFloat32> out = apply(tf, op, values);
      values.put(op.outputs()[0], out);
    }
    Operand<TFloat32> probabilities = values.get(model.outputs()[0]);
    if (probabilities == null) {
      throw new GuildException(model.file() + ": no operator computes the output tensor");
    }
    boolean softmax = ops.stream().anyMatch(o -> o.name().equals("SOFTMAX"));
    if (!softmax) {
      probabilities = tf.nn.softmax(probabilities);
    }
    probabilities = tf.reshape(probabilities, tf.constant(new long[] {-1, model.tensors().get(model.outputs()[0]).elementCount()}));
    return new Heads(probabilities, features);
  }

  private long featureSize(int tensor) {
    int[] s = model.tensors().get(tensor).shape();
    long n = 1;
    for (int k = 1; k < s.length; k++) {
      n *= s[k];
    }
    return n;
  }

  /** The index of the operator whose input is the penultimate layer, or -1 when there is none. */
  private int headOperator() {
    Map<Integer, Integer> producer = new HashMap<>();
    List<OperatorInfo> ops = model.operators();
    for (int i = 0; i < ops.size(); i++) {
      producer.put(ops.get(i).outputs()[0], i);
    }
    Integer at = producer.get(model.outputs()[0]);
    while (at != null) {
      OperatorInfo op = ops.get(at);
      if (op.name().equals("CONV_2D") || op.name().equals("FULLY_CONNECTED")) {
        return at;
      }
      if (!PASS_THROUGH.contains(op.name())) {
        return -1;
      }
      at = producer.get(op.inputs()[0]);
    }
    return -1;
  }

  private Operand<TFloat32> value(Ops tf, Map<Integer, Operand<TFloat32>> values, int index) {
    Operand<TFloat32> v = values.get(index);
    if (v != null) {
      return v;
    }
    TensorInfo t = model.tensors().get(index);
    if (!t.isConstant()) {
      throw new GuildException(model.file() + ": tensor '" + t.name() + "' is used before an operator computes it");
    }
    v = constant(tf, t.floats(), t.shape());
    values.put(index, v);
    return v;
  }

  private static Operand<TFloat32> constant(Ops tf, float[] data, int[] shape) {
    long[] dims = new long[shape.length];
    for (int k = 0; k < shape.length; k++) {
      dims[k] = shape[k];
    }
    return tf.constant(Shape.of(dims), DataBuffers.of(data, true, false));
  }

  private Operand<TFloat32> apply(Ops tf, OperatorInfo op, Map<Integer, Operand<TFloat32>> values) {
    FlatTable o = op.options();
    int[] in = op.inputs();
    TensorInfo outInfo = model.tensors().get(op.outputs()[0]);
    switch (op.name()) {
      case "CONV_2D": {
        // Conv2DOptions: padding 0, stride_w 1, stride_h 2, fused_activation_function 3, dilation_w 4, dilation_h 5.
        TensorInfo f = model.tensors().get(in[1]);
        int[] s = f.shape(); // [O, H, W, I]
        float[] w = transpose(f.floats(), s, new int[] {1, 2, 3, 0});
        Operand<TFloat32> y = tf.nn.conv2d(value(tf, values, in[0]),
            constant(tf, w, new int[] {s[1], s[2], s[3], s[0]}),
            List.of(1L, (long) opt(o, 2, 1), (long) opt(o, 1, 1), 1L), padding(o),
            Conv2d.dilations(1L, (long) opt(o, 5, 1), (long) opt(o, 4, 1), 1L));
        return activation(tf, bias(tf, y, in, values), optByte(o, 3, 0), op);
      }
      case "DEPTHWISE_CONV_2D": {
        // DepthwiseConv2DOptions: padding 0, stride_w 1, stride_h 2, depth_multiplier 3, fused_activation_function 4, dilation_w 5, dilation_h 6.
        TensorInfo f = model.tensors().get(in[1]);
        int[] s = f.shape(); // [1, H, W, I * M]
        int channels = model.tensors().get(in[0]).shape()[3];
        int multiplier = s[3] / channels;
        Operand<TFloat32> y = tf.nn.depthwiseConv2dNative(value(tf, values, in[0]),
            constant(tf, f.floats(), new int[] {s[1], s[2], channels, multiplier}),
            List.of(1L, (long) opt(o, 2, 1), (long) opt(o, 1, 1), 1L), padding(o),
            DepthwiseConv2dNative.dilations(1L, (long) opt(o, 6, 1), (long) opt(o, 5, 1), 1L));
        return activation(tf, bias(tf, y, in, values), optByte(o, 4, 0), op);
      }
      case "FULLY_CONNECTED": {
        // FullyConnectedOptions: fused_activation_function 0.
        TensorInfo f = model.tensors().get(in[1]);
        int[] s = f.shape(); // [O, I]
        Operand<TFloat32> x = tf.reshape(value(tf, values, in[0]), tf.constant(new long[] {-1, s[1]}));
        float[] w = transpose(f.floats(), s, new int[] {1, 0});
        Operand<TFloat32> y = tf.linalg.matMul(x, constant(tf, w, new int[] {s[1], s[0]}));
        return activation(tf, bias(tf, y, in, values), optByte(o, 0, 0), op);
      }
      case "AVERAGE_POOL_2D":
      case "MAX_POOL_2D": {
        // Pool2DOptions: padding 0, stride_w 1, stride_h 2, filter_width 3, filter_height 4, fused_activation_function 5.
        List<Long> k = List.of(1L, (long) opt(o, 4, 1), (long) opt(o, 3, 1), 1L);
        List<Long> st = List.of(1L, (long) opt(o, 2, 1), (long) opt(o, 1, 1), 1L);
        Operand<TFloat32> x = value(tf, values, in[0]);
        Operand<TFloat32> y = op.name().startsWith("AVERAGE")
            ? tf.nn.avgPool(x, k, st, padding(o))
            : tf.nn.maxPool(x, tf.constant(k.stream().mapToInt(Long::intValue).toArray()),
                tf.constant(st.stream().mapToInt(Long::intValue).toArray()), padding(o));
        return activation(tf, y, optByte(o, 5, 0), op);
      }
      case "ADD":
        return activation(tf, tf.math.add(value(tf, values, in[0]), value(tf, values, in[1])), optByte(o, 0, 0), op);
      case "SUB":
        return activation(tf, tf.math.sub(value(tf, values, in[0]), value(tf, values, in[1])), optByte(o, 0, 0), op);
      case "MUL":
        return activation(tf, tf.math.mul(value(tf, values, in[0]), value(tf, values, in[1])), optByte(o, 0, 0), op);
      case "CONCATENATION": {
        // ConcatenationOptions: axis 0, fused_activation_function 1.
        List<Operand<TFloat32>> parts = new ArrayList<>();
        for (int i : in) {
          parts.add(value(tf, values, i));
        }
        return activation(tf, tf.concat(parts, tf.constant(opt(o, 0, 0))), optByte(o, 1, 0), op);
      }
      case "RESHAPE":
        return tf.reshape(value(tf, values, in[0]), tf.constant(batchFree(outInfo.shape())));
      case "SQUEEZE": {
        // SqueezeOptions: squeeze_dims 0.
        int[] dims = o == null ? new int[0] : o.getInts(0);
        List<Long> axes = new ArrayList<>();
        for (int d : dims) {
          axes.add((long) d);
        }
        return axes.isEmpty()
            ? tf.reshape(value(tf, values, in[0]), tf.constant(batchFree(outInfo.shape())))
            : tf.squeeze(value(tf, values, in[0]), Squeeze.axis(axes));
      }
      case "SOFTMAX": {
        // SoftmaxOptions: beta 0.
        float beta = o == null ? 1f : o.getFloat(0, 1f);
        Operand<TFloat32> x = value(tf, values, in[0]);
        return tf.nn.softmax(beta == 1f ? x : tf.math.mul(x, tf.constant(beta)));
      }
      case "MEAN": {
        // ReducerOptions: keep_dims 0.
        long[] axes = model.tensors().get(in[1]).integers();
        int[] ax = new int[axes.length];
        for (int k = 0; k < axes.length; k++) {
          ax[k] = (int) axes[k];
        }
        return tf.math.mean(value(tf, values, in[0]), tf.constant(ax),
            org.tensorflow.op.math.Mean.keepDims(o != null && o.getBool(0, false)));
      }
      case "PAD": {
        long[] p = model.tensors().get(in[1]).integers();
        int[][] pads = new int[p.length / 2][2];
        for (int k = 0; k < pads.length; k++) {
          pads[k][0] = (int) p[2 * k];
          pads[k][1] = (int) p[2 * k + 1];
        }
        return tf.pad(value(tf, values, in[0]), tf.constant(pads), tf.constant(0f));
      }
      case "QUANTIZE":
      case "DEQUANTIZE":
        // Computing in float32, (de)quantizing a computed value changes nothing; a constant is
        // dequantized when it is read.
        return value(tf, values, in[0]);
      case "RELU":
        return tf.nn.relu(value(tf, values, in[0]));
      case "RELU6":
        return tf.nn.relu6(value(tf, values, in[0]));
      case "LOGISTIC":
        return tf.math.sigmoid(value(tf, values, in[0]));
      case "TANH":
        return tf.math.tanh(value(tf, values, in[0]));
      case "HARD_SWISH": {
        Operand<TFloat32> x = value(tf, values, in[0]);
        return tf.math.mul(x, tf.math.div(tf.nn.relu6(tf.math.add(x, tf.constant(3f))), tf.constant(6f)));
      }
      default:
        throw new GuildException(model.file() + ": operator " + op.name() + " is not supported by the TensorFlow Lite importer");
    }
  }

  private Operand<TFloat32> bias(Ops tf, Operand<TFloat32> y, int[] in, Map<Integer, Operand<TFloat32>> values) {
    return in.length > 2 && in[2] >= 0 ? tf.math.add(y, value(tf, values, in[2])) : y;
  }

  private Operand<TFloat32> activation(Ops tf, Operand<TFloat32> x, int fused, OperatorInfo op) {
    return switch (fused) {
      case 0 -> x;
      case 1 -> tf.nn.relu(x);
      case 2 -> tf.clipByValue(x, tf.constant(-1f), tf.constant(1f));
      case 3 -> tf.nn.relu6(x);
      case 4 -> tf.math.tanh(x);
      default -> throw new GuildException(model.file() + ": operator " + op.name()
          + " has fused activation " + fused + ", which the importer does not support");
    };
  }

  private static String padding(FlatTable o) {
    return optByte(o, 0, 0) == 1 ? "VALID" : "SAME";
  }

  /** An int option of the options table, or {@code dflt} when absent. */
  private static int opt(FlatTable o, int field, int dflt) {
    return o == null ? dflt : o.getInt(field, dflt);
  }

  /** A byte option (padding, fused activation) of the options table, or {@code dflt} when absent. */
  private static int optByte(FlatTable o, int field, int dflt) {
    return o == null ? dflt : o.getByte(field, dflt);
  }

  /** The shape with its first dimension (the batch, 1 in the file) left free. */
  private static long[] batchFree(int[] shape) {
    long[] s = new long[shape.length];
    for (int k = 0; k < shape.length; k++) {
      s[k] = shape[k];
    }
    if (s.length > 0) {
      s[0] = -1;
    }
    return s;
  }

  /** Permutes the axes of a row-major array: output axis k is input axis perm[k]. */
  static float[] transpose(float[] a, int[] shape, int[] perm) {
    int r = shape.length;
    int[] outShape = new int[r];
    for (int k = 0; k < r; k++) {
      outShape[k] = shape[perm[k]];
    }
    int[] inStride = new int[r];
    int st = 1;
    for (int k = r - 1; k >= 0; k--) {
      inStride[k] = st;
      st *= shape[k];
    }
    float[] out = new float[a.length];
    int[] idx = new int[r];
    for (int n = 0; n < a.length; n++) {
      int src = 0;
      for (int k = 0; k < r; k++) {
        src += idx[k] * inStride[perm[k]];
      }
      out[n] = a[src];
      for (int k = r - 1; k >= 0; k--) {
        if (++idx[k] < outShape[k]) {
          break;
        }
        idx[k] = 0;
      }
    }
    return out;
  }
}
