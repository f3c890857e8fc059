package org.guildpkg.tf.serve;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * {@link TensorProto}s, as TensorFlow Serving's gRPC API carries tensors, to and from {@link
 * HostTensor}s: values in {@code tensor_content} (little-endian bytes) or in the typed fields
 * ({@code float_val}, ...; one value fills the whole tensor, as TensorFlow reads it); outputs are
 * written with {@code tensor_content} ({@code string_val} for strings).
 */
final class TensorProtos {
  private TensorProtos() {}

  /** A request's tensor on the heap; INVALID_ARGUMENT naming {@code name} when it is malformed. */
  static HostTensor toHost(String name, TensorProto p) {
    if (p.getTensorShape().getUnknownRank()) {
      throw ApiException.badRequest("input " + name + ": a tensor needs a known shape");
    }
    long[] shape = new long[p.getTensorShape().getDimCount()];
    long n = 1;
    for (int i = 0; i < shape.length; i++) {
      long d = p.getTensorShape().getDim(i).getSize();
      if (d < 0) {
        throw ApiException.badRequest("input " + name + ": dimension " + i + " is " + d);
      }
      shape[i] = d;
      if (d != 0 && n > (Integer.MAX_VALUE - 8) / d) {
        throw ApiException.badRequest("input " + name + ": too many values for one tensor");
      }
      n *= d;
    }
    int size = (int) n;
    DataType t = p.getDtype();
    if (!HostTensor.canFeed(t)) {
      throw new ApiException(501, "input " + name + ": tensors of type " + t.name()
          + " are not supported");
    }
    ByteString content = p.getTensorContent();
    if (t != DataType.DT_STRING && !content.isEmpty()) {
      int width = switch (t) {
        case DT_FLOAT, DT_INT32 -> 4;
        case DT_DOUBLE, DT_INT64 -> 8;
        default -> 1; // uint8, bool
      };
      if ((long) size * width != content.size()) {
        throw ApiException.badRequest("input " + name + ": tensor_content has " + content.size()
            + " bytes, its shape " + JsonTensors.shapeText(shape) + " of " + t.name() + " needs "
            + (long) size * width);
      }
      ByteBuffer b = content.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      Object data = switch (t) {
        case DT_FLOAT -> {
          float[] a = new float[size];
          b.asFloatBuffer().get(a);
          yield a;
        }
        case DT_DOUBLE -> {
          double[] a = new double[size];
          b.asDoubleBuffer().get(a);
          yield a;
        }
        case DT_INT32 -> {
          int[] a = new int[size];
          b.asIntBuffer().get(a);
          yield a;
        }
        case DT_INT64 -> {
          long[] a = new long[size];
          b.asLongBuffer().get(a);
          yield a;
        }
        case DT_UINT8 -> {
          int[] a = new int[size];
          for (int i = 0; i < size; i++) {
            a[i] = b.get(i) & 0xff;
          }
          yield a;
        }
        default -> {
          boolean[] a = new boolean[size];
          for (int i = 0; i < size; i++) {
            a[i] = b.get(i) != 0;
          }
          yield a;
        }
      };
      return new HostTensor(t, shape, data);
    }
    int count = switch (t) {
      case DT_FLOAT -> p.getFloatValCount();
      case DT_DOUBLE -> p.getDoubleValCount();
      case DT_INT32, DT_UINT8 -> p.getIntValCount();
      case DT_INT64 -> p.getInt64ValCount();
      case DT_BOOL -> p.getBoolValCount();
      default -> p.getStringValCount();
    };
    if (count != size && !(count == 1 && size > 1) && !(count == 0 && t != DataType.DT_STRING)) {
      throw ApiException.badRequest("input " + name + ": " + count + " values for shape "
          + JsonTensors.shapeText(shape) + " (" + size + " values)");
    }
    Object data = switch (t) {
      case DT_FLOAT -> {
        float[] a = new float[size];
        for (int i = 0; i < size && count > 0; i++) {
          a[i] = p.getFloatVal(count == 1 ? 0 : i);
        }
        yield a;
      }
      case DT_DOUBLE -> {
        double[] a = new double[size];
        for (int i = 0; i < size && count > 0; i++) {
          a[i] = p.getDoubleVal(count == 1 ? 0 : i);
        }
        yield a;
      }
      case DT_INT32, DT_UINT8 -> {
        int[] a = new int[size];
        for (int i = 0; i < size && count > 0; i++) {
          a[i] = p.getIntVal(count == 1 ? 0 : i) & (t == DataType.DT_UINT8 ? 0xff : -1);
        }
        yield a;
      }
      case DT_INT64 -> {
        long[] a = new long[size];
        for (int i = 0; i < size && count > 0; i++) {
          a[i] = p.getInt64Val(count == 1 ? 0 : i);
        }
        yield a;
      }
      case DT_BOOL -> {
        boolean[] a = new boolean[size];
        for (int i = 0; i < size && count > 0; i++) {
          a[i] = p.getBoolVal(count == 1 ? 0 : i);
        }
        yield a;
      }
      default -> {
        byte[][] a = new byte[size][];
        for (int i = 0; i < size; i++) {
          a[i] = p.getStringVal(count == 1 ? 0 : i).toByteArray();
        }
        yield a;
      }
    };
    return new HostTensor(t, shape, data);
  }

  /** An output as a TensorProto. */
  static TensorProto toProto(HostTensor h) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (long d : h.shape()) {
      shape.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
    }
    TensorProto.Builder p = TensorProto.newBuilder().setDtype(h.dtype()).setTensorShape(shape);
    Object data = h.data();
    if (data instanceof byte[][] strings) {
      for (byte[] s : strings) {
        p.addStringVal(ByteString.copyFrom(s));
      }
      return p.build();
    }
    ByteBuffer b;
    if (data instanceof float[] a) {
      b = ByteBuffer.allocate(a.length * 4).order(ByteOrder.LITTLE_ENDIAN);
      b.asFloatBuffer().put(a);
    } else if (data instanceof double[] a) {
      b = ByteBuffer.allocate(a.length * 8).order(ByteOrder.LITTLE_ENDIAN);
      b.asDoubleBuffer().put(a);
    } else if (data instanceof long[] a) {
      b = ByteBuffer.allocate(a.length * 8).order(ByteOrder.LITTLE_ENDIAN);
      b.asLongBuffer().put(a);
    } else if (data instanceof boolean[] a) {
      b = ByteBuffer.allocate(a.length);
      for (boolean v : a) {
        b.put((byte) (v ? 1 : 0));
      }
    } else if (h.dtype() == DataType.DT_UINT8) {
      int[] a = (int[]) data;
      b = ByteBuffer.allocate(a.length);
      for (int v : a) {
        b.put((byte) v);
      }
    } else {
      int[] a = (int[]) data;
      b = ByteBuffer.allocate(a.length * 4).order(ByteOrder.LITTLE_ENDIAN);
      b.asIntBuffer().put(a);
    }
    return p.setTensorContent(ByteString.copyFrom(b.array())).build();
  }
}
