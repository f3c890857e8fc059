package org.guildpkg.tf.author;

import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.framework.optimizers.Adam;
import org.tensorflow.framework.optimizers.Optimizer;
import org.tensorflow.types.TFloat32;

/**
 * The Java model code of a source package: the one interface a model author implements.
 *
 * <p>It builds a classifier's logits from the dataset's features with TensorFlow Java ops; the
 * library adds the inputs, the loss, the optimizer step, the metrics and the three signatures of a
 * trainable SavedModel (see {@code docs/model-interface.md}). {@link #logits} is called twice, once
 * for the training graph and once for inference; variables made through {@link
 * Layers#variable} are shared between the two, and {@link Layers#dropout} only drops while
 * training.
 *
 * <pre>{@code
 * public final class Softmax implements ModelCode {
 *   public Operand<TFloat32> logits(Layers net, Features in) {
 *     return net.dense("logits", net.flatten(in.get("image")), net.numClasses(), false);
 *   }
 * }
 * }</pre>
 *
 * <p>Implementations need a public no-argument constructor.
 */
public interface ModelCode {

  /**
   * Returns the logits, float32 {@code [-1, numClasses]}, for a batch of features.
   *
   * @param net the layer helpers, flags and ops of the graph being built
   * @param features the dataset's features as float32 ({@code uint8} ones scaled to [0, 1])
   */
  Operand<TFloat32> logits(Layers net, Features features);

  /**
   * The optimizer of the {@code train} signature; Adam with the {@code learning_rate} flag
   * (default 0.001) unless overridden.
   */
  default Optimizer optimizer(Graph graph, Flags flags) {
    return new Adam(graph, flags.getFloat("learning_rate", 0.001f));
  }
}
