package org.guildpkg.tf.train;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import org.guildpkg.GuildException;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

/**
 * A dataset split held in memory: each feature's values of all examples in one array (uint8 as
 * {@code byte[]}, float32 as {@code float[]}) and the labels. Fashion-MNIST's train split takes
 * 47 MB.
 */
public final class InMemoryExamples implements ExampleSource {
  private final InputSpec spec;
  private final Map<String, Object> values;
  private final long[] labels;

  /**
   * Wraps arrays without copying them.
   *
   * @param values per feature of {@code spec}: {@code byte[]} for uint8, {@code float[]} for
   *     float32, holding {@code labels.length} examples one after the other
   * @throws GuildException when an array's length does not match the example count
   */
  public InMemoryExamples(InputSpec spec, Map<String, Object> values, long[] labels) {
    this.spec = spec;
    this.values = new LinkedHashMap<>(values);
    this.labels = labels;
    spec.features().forEach((name, f) -> {
      Object v = values.get(name);
      long per = perExample(f);
      long len = v instanceof byte[] b ? b.length : v instanceof float[] a ? a.length : -1;
      if (len != per * labels.length) {
        throw new GuildException(
            "feature " + name + " holds " + len + " values, not " + per * labels.length
                + " (" + labels.length + " examples of " + per + ")");
      }
    });
  }

  private static long perExample(InputSpec.Feature f) {
    long n = 1;
    for (long d : f.shape()) {
      n *= d;
    }
    return n;
  }

  @Override
  public long size() {
    return labels.length;
  }

  @Override
  public List<String> classes() {
    return spec.classes();
  }

  @Override
  public InputSpec spec() {
    return spec;
  }

  /** The label of example {@code i}. */
  public long label(int i) {
    return labels[i];
  }

  @Override
  public Iterator<TensorBatch> batches(int batchSize, OptionalLong shuffleSeed, long skip) {
    if (batchSize < 1) {
      throw new GuildException("batch size must be at least 1, not " + batchSize);
    }
    int n = labels.length;
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    if (shuffleSeed.isPresent()) {
      SplittableRandom r = new SplittableRandom(shuffleSeed.getAsLong());
      for (int i = n - 1; i > 0; i--) {
        int j = r.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
    }
    long start = Math.min((long) n, Math.max(0, skip) * batchSize);
    return new Iterator<>() {
      int at = (int) start;

      @Override
      public boolean hasNext() {
        return at < n;
      }

      @Override
      public TensorBatch next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        int size = Math.min(batchSize, n - at);
        TensorBatch b = batch(order, at, size);
        at += size;
        return b;
      }
    };
  }

  /**
   * The examples at {@code indices} (in that order) as a split of their own, copied: a slice such
   * as TensorFlow Datasets' {@code train[:90%]}, or a held-out validation set.
   *
   * @throws GuildException when an index is outside the split
   */
  public InMemoryExamples select(int[] indices) {
    for (int i : indices) {
      if (i < 0 || i >= labels.length) {
        throw new GuildException("example " + i + " is outside the split of " + labels.length);
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    spec.features().forEach((name, f) -> {
      int per = (int) perExample(f);
      Object v = values.get(name);
      if (v instanceof byte[] src) {
        byte[] dst = new byte[indices.length * per];
        for (int i = 0; i < indices.length; i++) {
          System.arraycopy(src, indices[i] * per, dst, i * per, per);
        }
        out.put(name, dst);
      } else {
        float[] src = (float[]) v;
        float[] dst = new float[indices.length * per];
        for (int i = 0; i < indices.length; i++) {
          System.arraycopy(src, indices[i] * per, dst, i * per, per);
        }
        out.put(name, dst);
      }
    });
    long[] lab = new long[indices.length];
    for (int i = 0; i < indices.length; i++) {
      lab[i] = labels[indices[i]];
    }
    return new InMemoryExamples(spec, out, lab);
  }

  /** Examples {@code from .. from+size} of the split in file order, as one batch. */
  public TensorBatch slice(int from, int size) {
    int n = Math.min(size, labels.length - from);
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = from + i;
    }
    return batch(idx, 0, n);
  }

  private TensorBatch batch(int[] order, int from, int size) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    try {
      spec.features().forEach((name, f) -> {
        int per = (int) perExample(f);
        long[] dims = new long[f.shape().size() + 1];
        dims[0] = size;
        for (int i = 0; i < f.shape().size(); i++) {
          dims[i + 1] = f.shape().get(i);
        }
        Object v = values.get(name);
        if (v instanceof byte[] src) {
          byte[] dst = new byte[size * per];
          for (int i = 0; i < size; i++) {
            System.arraycopy(src, order[from + i] * per, dst, i * per, per);
          }
          out.put(name, TUint8.tensorOf(Shape.of(dims), DataBuffers.of(dst, true, false)));
        } else {
          float[] src = (float[]) v;
          float[] dst = new float[size * per];
          for (int i = 0; i < size; i++) {
            System.arraycopy(src, order[from + i] * per, dst, i * per, per);
          }
          out.put(name, TFloat32.tensorOf(Shape.of(dims), DataBuffers.of(dst, true, false)));
        }
      });
      long[] lab = new long[size];
      for (int i = 0; i < size; i++) {
        lab[i] = labels[order[from + i]];
      }
      out.put(spec.label(), TInt64.tensorOf(Shape.of(size), DataBuffers.of(lab, true, false)));
      return new TensorBatch(out, size);
    } catch (RuntimeException e) {
      out.values().forEach(Tensor::close);
      throw e;
    }
  }
}
