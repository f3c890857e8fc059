package org.guildpkg.tf.train;

import java.util.Map;
import org.tensorflow.Tensor;

/**
 * A batch of examples as tensors by feature name ({@code image}, {@code label}), ready to feed a
 * signature; closing it frees the tensors.
 *
 * @param tensors the tensors by feature name
 * @param size how many examples the batch holds
 */
public record TensorBatch(Map<String, Tensor> tensors, int size) implements AutoCloseable {
  /** Copies the map. */
  public TensorBatch {
    tensors = Map.copyOf(tensors);
  }

  @Override
  public void close() {
    tensors.values().forEach(Tensor::close);
  }
}
