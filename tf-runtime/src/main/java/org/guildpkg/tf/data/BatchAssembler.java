package org.guildpkg.tf.data;

import com.google.protobuf.ByteString;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.guildpkg.GuildException;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/** Collects Examples into reused Java arrays and turns them into a {@link Batch} of tensors. */
final class BatchAssembler {
  private final List<FeatureSpec> specs;
  private final int capacity;
  private final int[] elements;
  private final Object[] arrays;
  private int n;

  BatchAssembler(List<FeatureSpec> specs, int capacity) {
    this.specs = specs;
    this.capacity = capacity;
    this.elements = new int[specs.size()];
    this.arrays = new Object[specs.size()];
    for (int i = 0; i < specs.size(); i++) {
      FeatureSpec s = specs.get(i);
      long size = s.elements() * capacity;
      if (size > Integer.MAX_VALUE - 64) {
        throw new GuildException(
            "a batch of " + capacity + " examples of feature '" + s.name() + "' " + s.shape()
                + " is too large for one Java array; use smaller batches");
      }
      elements[i] = (int) s.elements();
      arrays[i] = switch (s.dtype()) {
        case UINT8 -> new byte[(int) size];
        case INT64 -> new long[(int) size];
        case FLOAT32 -> new float[(int) size];
        case STRING -> new byte[(int) size][];
      };
    }
  }

  int count() {
    return n;
  }

  boolean full() {
    return n == capacity;
  }

  /** Adds one Example; {@code where} names its record for errors. */
  void add(Example e, String where) {
    Map<String, Feature> map = e.getFeatures().getFeatureMap();
    for (int i = 0; i < specs.size(); i++) {
      FeatureSpec s = specs.get(i);
      Feature f = map.get(s.name());
      int k = elements[i];
      int off = n * k;
      boolean ok = f != null;
      if (ok) {
        switch (s.dtype()) {
          case UINT8 -> {
            if (s.isEncodedImage()) {
              ok = f.hasBytesList() && f.getBytesList().getValueCount() == 1;
              if (ok) {
                decodeImage(s, f.getBytesList().getValue(0).toByteArray(), (byte[]) arrays[i], off, where);
              }
            } else {
              ok = f.hasBytesList() && f.getBytesList().getValueCount() == 1
                  && f.getBytesList().getValue(0).size() == k;
              if (ok) {
                f.getBytesList().getValue(0).copyTo((byte[]) arrays[i], off);
              }
            }
          }
          case INT64 -> {
            ok = f.hasInt64List() && f.getInt64List().getValueCount() == k;
            if (ok) {
              long[] a = (long[]) arrays[i];
              for (int j = 0; j < k; j++) {
                a[off + j] = f.getInt64List().getValue(j);
              }
            }
          }
          case FLOAT32 -> {
            ok = f.hasFloatList() && f.getFloatList().getValueCount() == k;
            if (ok) {
              float[] a = (float[]) arrays[i];
              for (int j = 0; j < k; j++) {
                a[off + j] = f.getFloatList().getValue(j);
              }
            }
          }
          case STRING -> {
            ok = f.hasBytesList() && f.getBytesList().getValueCount() == k;
            if (ok) {
              byte[][] a = (byte[][]) arrays[i];
              List<ByteString> values = f.getBytesList().getValueList();
              for (int j = 0; j < k; j++) {
                a[off + j] = values.get(j).toByteArray();
              }
            }
          }
        }
      }
      if (!ok) {
        try {
          s.check(e);
        } catch (GuildException ex) {
          throw new GuildException(where + ": " + ex.getMessage(), ex);
        }
      }
    }
    n++;
  }

  private static void decodeImage(FeatureSpec s, byte[] encoded, byte[] out, int offset, String where) {
    try {
      ImagePixels.decodeInto(encoded, s.shape().get(0).intValue(), s.shape().get(1).intValue(),
          s.shape().get(2).intValue(), out, offset);
    } catch (GuildException e) {
      throw new GuildException(where + ": feature '" + s.name() + "': " + e.getMessage(), e);
    }
  }

  /** The collected examples as a batch; starts a new one. */
  Batch build() {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    try {
      for (int i = 0; i < specs.size(); i++) {
        FeatureSpec s = specs.get(i);
        long[] dims = new long[s.shape().size() + 1];
        dims[0] = n;
        System.arraycopy(s.shapeArray(), 0, dims, 1, dims.length - 1);
        Shape shape = Shape.of(dims);
        long len = (long) n * elements[i];
        Tensor t = switch (s.dtype()) {
          case UINT8 -> TUint8.tensorOf(shape, DataBuffers.of((byte[]) arrays[i], true, false).narrow(len));
          case INT64 -> TInt64.tensorOf(shape, DataBuffers.of((long[]) arrays[i], true, false).narrow(len));
          case FLOAT32 -> TFloat32.tensorOf(shape, DataBuffers.of((float[]) arrays[i], true, false).narrow(len));
          case STRING -> {
            byte[][] all = (byte[][]) arrays[i];
            byte[][] used = java.util.Arrays.copyOf(all, (int) len);
            yield TString.tensorOfBytes(shape, DataBuffers.ofObjects(used));
          }
        };
        tensors.put(s.name(), t);
      }
    } catch (RuntimeException e) {
      tensors.values().forEach(Tensor::close);
      throw e;
    }
    Batch b = new Batch(n, tensors);
    n = 0;
    return b;
  }
}
