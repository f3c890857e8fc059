package org.guildpkg.tf.serve;

import java.util.Arrays;
import java.util.List;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/**
 * A tensor's values on the Java heap: what a request's JSON becomes before it is a native tensor,
 * and what an output becomes after its native tensor is freed. Keeping requests and replies on the
 * heap lets the server free every native tensor right after the TensorFlow call, and lets batching
 * concatenate and split them.
 *
 * @param dtype TensorFlow's dtype
 * @param shape the dimensions (empty for a scalar)
 * @param data the values in row-major order: {@code float[]} (float32, and float16/bfloat16
 *     outputs), {@code double[]}, {@code int[]} (int32, uint8), {@code long[]}, {@code boolean[]}
 *     or {@code byte[][]} (string)
 */
record HostTensor(DataType dtype, long[] shape, Object data) {

  /** The number of values. */
  int size() {
    return java.lang.reflect.Array.getLength(data);
  }

  /** Dimension 0, the batch; 0 for a scalar. */
  long rows() {
    return shape.length == 0 ? 0 : shape[0];
  }

  /** The dimensions after the batch dimension. */
  long[] rowShape() {
    return shape.length == 0 ? shape : Arrays.copyOfRange(shape, 1, shape.length);
  }

  /** True when TensorFlow Java can hold this dtype in a tensor we make for an input. */
  static boolean canFeed(DataType t) {
    return switch (t) {
      case DT_FLOAT, DT_DOUBLE, DT_INT32, DT_UINT8, DT_INT64, DT_BOOL, DT_STRING -> true;
      default -> false;
    };
  }

  /** A new native tensor with these values; the caller closes it. */
  Tensor toTensor() {
    Shape s = Shape.of(shape);
    return switch (dtype) {
      case DT_FLOAT -> TFloat32.tensorOf(s, DataBuffers.of((float[]) data, true, false));
      case DT_DOUBLE -> TFloat64.tensorOf(s, DataBuffers.of((double[]) data, true, false));
      case DT_INT32 -> TInt32.tensorOf(s, DataBuffers.of((int[]) data, true, false));
      case DT_INT64 -> TInt64.tensorOf(s, DataBuffers.of((long[]) data, true, false));
      case DT_BOOL -> TBool.tensorOf(s, DataBuffers.of((boolean[]) data, true, false));
      case DT_UINT8 -> {
        int[] v = (int[]) data;
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
          b[i] = (byte) v[i];
        }
        yield TUint8.tensorOf(s, DataBuffers.of(b, true, false));
      }
      case DT_STRING -> TString.tensorOfBytes(s, DataBuffers.ofObjects((byte[][]) data));
      default -> throw ApiException.badRequest(
          "Conversion of JSON values to type " + JsonTensors.typeName(dtype) + " is not supported");
    };
  }

  /** Copies a native tensor's values to the heap; the tensor stays the caller's to close. */
  static HostTensor of(Tensor t) {
    long[] shape = t.shape().asArray();
    int n = Math.toIntExact(t.shape().size());
    Object data;
    if (t instanceof TFloat32 f) {
      float[] a = new float[n];
      f.copyTo(DataBuffers.of(a, false, false));
      data = a;
    } else if (t instanceof TFloat64 f) {
      double[] a = new double[n];
      f.copyTo(DataBuffers.of(a, false, false));
      data = a;
    } else if (t instanceof TInt32 f) {
      int[] a = new int[n];
      f.copyTo(DataBuffers.of(a, false, false));
      data = a;
    } else if (t instanceof TInt64 f) {
      long[] a = new long[n];
      f.copyTo(DataBuffers.of(a, false, false));
      data = a;
    } else if (t instanceof TBool f) {
      boolean[] a = new boolean[n];
      f.copyTo(DataBuffers.of(a, false, false));
      data = a;
    } else if (t instanceof TUint8 f) {
      byte[] b = new byte[n];
      f.copyTo(DataBuffers.of(b, false, false));
      int[] a = new int[n];
      for (int i = 0; i < n; i++) {
        a[i] = b[i] & 0xff;
      }
      data = a;
    } else if (t instanceof TString f) {
      byte[][] a = new byte[n][];
      f.asBytes().copyTo(DataBuffers.ofObjects(a));
      data = a;
    } else if (t instanceof FloatNdArray f) { // float16, bfloat16
      float[] a = new float[n];
      f.copyTo(DataBuffers.of(a, false, false));
      data = a;
      return new HostTensor(DataType.DT_FLOAT, shape, data);
    } else {
      throw new ApiException(500, "Failed to write JSON value for tensor type: "
          + JsonTensors.typeName(t.dataType()));
    }
    return new HostTensor(t.dataType(), shape, data);
  }

  /** Rows {@code from} (inclusive) to {@code to} (exclusive) of dimension 0. */
  HostTensor rows(long from, long to) {
    int stride = stride();
    long[] s = shape.clone();
    s[0] = to - from;
    int n = Math.toIntExact((to - from) * stride);
    Object out = java.lang.reflect.Array.newInstance(data.getClass().getComponentType(), n);
    System.arraycopy(data, Math.toIntExact(from * stride), out, 0, n);
    return new HostTensor(dtype, s, out);
  }

  /** The tensors' rows one after the other; all have this dtype and the same row shape. */
  static HostTensor concat(List<HostTensor> parts) {
    HostTensor first = parts.get(0);
    long rows = 0;
    int n = 0;
    for (HostTensor p : parts) {
      rows += p.rows();
      n = Math.addExact(n, p.size());
    }
    Object out = java.lang.reflect.Array.newInstance(first.data.getClass().getComponentType(), n);
    int at = 0;
    for (HostTensor p : parts) {
      System.arraycopy(p.data, 0, out, at, p.size());
      at += p.size();
    }
    long[] s = first.shape.clone();
    s[0] = rows;
    return new HostTensor(first.dtype, s, out);
  }

  /** The number of values in one row (all of them for a scalar). */
  int stride() {
    long s = 1;
    for (int i = 1; i < shape.length; i++) {
      s *= shape[i];
    }
    return Math.toIntExact(s);
  }
}
