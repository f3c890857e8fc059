package org.guildpkg.tf.model;

import java.util.ArrayList;
import java.util.List;
import org.guildpkg.GuildException;
import org.tensorflow.Result;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

/**
 * The named output tensors of one {@link SavedModel#call} call; close it to free them.
 *
 * <pre>{@code
 * try (ModelResult r = model.call("serving_default", "x", new float[][] {{1f}})) {
 *   float[][] y = r.floatMatrix("y");
 * }
 * }</pre>
 */
public final class ModelResult implements AutoCloseable {
  private final String signature;
  private final List<String> names;
  private final Result result;

  ModelResult(String signature, List<String> names, Result result) {
    this.signature = signature;
    this.names = List.copyOf(names);
    this.result = result;
  }

  /** The output names, sorted. */
  public List<String> names() {
    return names;
  }

  /** The output tensor called {@code name}; it stays owned by this result. */
  public Tensor get(String name) {
    int i = names.indexOf(name);
    if (i < 0) {
      throw new GuildException(
          "signature '" + signature + "' has no output '" + name + "'; its outputs: "
              + String.join(", ", names));
    }
    return result.get(i);
  }

  /** A float32 output of rank 2 as a matrix. */
  public float[][] floatMatrix(String name) {
    TFloat32 t = typed(name, TFloat32.class);
    if (t.shape().numDimensions() != 2) {
      throw new GuildException(
          "output '" + name + "' of signature '" + signature + "' has shape " + t.shape()
              + ", not a matrix; use floats(\"" + name + "\")");
    }
    return StdArrays.array2dCopyOf(t);
  }

  /** A float32 output of any shape, flattened in row-major order. */
  public float[] floats(String name) {
    TFloat32 t = typed(name, TFloat32.class);
    float[] out = new float[Math.toIntExact(t.size())];
    t.copyTo(DataBuffers.of(out, false, false));
    return out;
  }

  /** A float32 output that holds one value (a scalar or a tensor of size 1). */
  public float floatValue(String name) {
    float[] all = floats(name);
    if (all.length != 1) {
      throw new GuildException(
          "output '" + name + "' of signature '" + signature + "' holds " + all.length
              + " values, not one");
    }
    return all[0];
  }

  /** An int64 output of any shape, flattened in row-major order. */
  public long[] longs(String name) {
    TInt64 t = typed(name, TInt64.class);
    long[] out = new long[Math.toIntExact(t.size())];
    t.copyTo(DataBuffers.of(out, false, false));
    return out;
  }

  /** A string output of any shape, flattened in row-major order, as byte strings. */
  public List<byte[]> bytes(String name) {
    TString t = typed(name, TString.class);
    List<byte[]> out = new ArrayList<>();
    t.asBytes().scalars().forEach(s -> out.add(s.getObject()));
    return out;
  }

  /** Frees the output tensors. */
  @Override
  public void close() {
    result.close();
  }

  private <T extends Tensor> T typed(String name, Class<T> type) {
    Tensor t = get(name);
    if (!type.isInstance(t)) {
      throw new GuildException(
          "output '" + name + "' of signature '" + signature + "' is "
              + TensorSpec.dtypeName(t.dataType()) + ", not " + type.getSimpleName());
    }
    return type.cast(t);
  }
}
