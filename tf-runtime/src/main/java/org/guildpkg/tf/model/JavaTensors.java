package org.guildpkg.tf.model;

import java.util.function.Supplier;
import org.guildpkg.GuildException;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

/** Turns the Java values that {@link SavedModel#callArrays} accepts into tensors. */
final class JavaTensors {
  private JavaTensors() {}

  /** A new tensor holding {@code value}; the caller closes it. */
  static Tensor of(Object value, Supplier<String> where) {
    if (value instanceof float[][] m) {
      checkRectangular(m.length, i -> m[i].length, where);
      return TFloat32.tensorOf(StdArrays.ndCopyOf(m));
    }
    if (value instanceof float[] v) {
      return TFloat32.vectorOf(v);
    }
    if (value instanceof Float f) {
      return TFloat32.scalarOf(f);
    }
    if (value instanceof long[][] m) {
      checkRectangular(m.length, i -> m[i].length, where);
      return TInt64.tensorOf(StdArrays.ndCopyOf(m));
    }
    if (value instanceof long[] v) {
      return TInt64.vectorOf(v);
    }
    if (value instanceof Long l) {
      return TInt64.scalarOf(l);
    }
    if (value instanceof int[][] m) {
      checkRectangular(m.length, i -> m[i].length, where);
      return TInt32.tensorOf(StdArrays.ndCopyOf(m));
    }
    if (value instanceof int[] v) {
      return TInt32.vectorOf(v);
    }
    if (value instanceof byte[][] v) {
      return TString.tensorOfBytes(NdArrays.vectorOfObjects(v));
    }
    if (value instanceof String[] v) {
      return TString.vectorOf(v);
    }
    throw new GuildException(
        where.get() + ": cannot make a tensor of "
            + (value == null ? "null" : value.getClass().getSimpleName())
            + "; give a Tensor, float[][], float[], Float, long[][], long[], Long, int[][], int[],"
            + " byte[][] or String[]");
  }

  private static void checkRectangular(
      int rows, java.util.function.IntUnaryOperator width, Supplier<String> where) {
    if (rows == 0) {
      throw new GuildException(where.get() + ": an empty matrix has no shape; give at least one row");
    }
    int w = width.applyAsInt(0);
    for (int i = 1; i < rows; i++) {
      if (width.applyAsInt(i) != w) {
        throw new GuildException(
            where.get() + ": row " + i + " has " + width.applyAsInt(i) + " values, row 0 has " + w);
      }
    }
  }
}
