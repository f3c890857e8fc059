package org.guildpkg.tf.data;

import java.util.Collections;
import java.util.Map;
import org.guildpkg.GuildException;
import org.tensorflow.Tensor;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/**
 * A batch of examples as one tensor per feature, shaped {@code [size, ...feature shape]}:
 * {@link TUint8} for {@code uint8}, {@link TInt64}, {@link TFloat32}, {@link TString}.
 *
 * <p>The batch owns its tensors: close it (try-with-resources) and do not close them yourself.
 * {@link #tensors()} feeds a SavedModel signature directly, since its keys are the feature names.
 */
public final class Batch implements AutoCloseable {
  private final int size;
  private final Map<String, Tensor> tensors;
  private boolean closed;

  Batch(int size, Map<String, Tensor> tensors) {
    this.size = size;
    this.tensors = Collections.unmodifiableMap(tensors);
  }

  /** How many examples the batch holds (the first dimension of every tensor). */
  public int size() {
    return size;
  }

  /** Every feature's tensor by feature name; valid until the batch is closed. */
  public Map<String, Tensor> tensors() {
    checkOpen();
    return tensors;
  }

  /**
   * The tensor of one feature.
   *
   * @throws GuildException naming the batch's features when there is no such feature
   */
  public Tensor tensor(String feature) {
    checkOpen();
    Tensor t = tensors.get(feature);
    if (t == null) {
      throw new GuildException("batch has no feature '" + feature + "'; it has " + tensors.keySet());
    }
    return t;
  }

  /** The tensor of a {@code uint8} feature. */
  public TUint8 uint8(String feature) {
    return typed(feature, TUint8.class);
  }

  /** The tensor of an {@code int64} feature. */
  public TInt64 int64(String feature) {
    return typed(feature, TInt64.class);
  }

  /** The tensor of a {@code float32} feature. */
  public TFloat32 float32(String feature) {
    return typed(feature, TFloat32.class);
  }

  /** The tensor of a {@code string} feature. */
  public TString string(String feature) {
    return typed(feature, TString.class);
  }

  private <T extends Tensor> T typed(String feature, Class<T> type) {
    Tensor t = tensor(feature);
    if (!type.isInstance(t)) {
      throw new GuildException(
          "feature '" + feature + "' is a " + t.dataType() + " tensor, not " + type.getSimpleName());
    }
    return type.cast(t);
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("batch is closed");
    }
  }

  /** Frees the batch's tensors; later calls do nothing. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      tensors.values().forEach(Tensor::close);
    }
  }
}
