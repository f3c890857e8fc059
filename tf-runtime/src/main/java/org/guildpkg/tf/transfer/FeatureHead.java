package org.guildpkg.tf.transfer;

import org.guildpkg.tf.author.Features;
import org.guildpkg.tf.author.Layers;
import org.guildpkg.tf.author.ModelCode;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * The new head trained on a parent model's features: standardises each feature with the train
 * split's mean and standard deviation (constants of the graph), then a hidden ReLU layer of {@code
 * hidden} units with {@code dropout} (none when {@code hidden=0}), then one logit per class. The
 * same code builds the head for training and, in the exported model, on top of the parent's graph,
 * so both compute the same thing.
 */
final class FeatureHead implements ModelCode {
  /** The head's input feature. */
  static final String INPUT = "features";

  private final float[] mean;
  private final float[] scale;

  /**
   * @param mean each feature's mean over the train split
   * @param scale one over each feature's standard deviation (1 where it is 0)
   */
  FeatureHead(float[] mean, float[] scale) {
    this.mean = mean.clone();
    this.scale = scale.clone();
  }

  /** Standardisation constants from a split's features, {@code count x dim}. */
  static FeatureHead fit(float[] values, int dim) {
    int n = values.length / dim;
    double[] sum = new double[dim];
    double[] sq = new double[dim];
    for (int i = 0; i < n; i++) {
      int o = i * dim;
      for (int j = 0; j < dim; j++) {
        double v = values[o + j];
        sum[j] += v;
        sq[j] += v * v;
      }
    }
    float[] mean = new float[dim];
    float[] scale = new float[dim];
    for (int j = 0; j < dim; j++) {
      double m = sum[j] / Math.max(1, n);
      double var = Math.max(0, sq[j] / Math.max(1, n) - m * m);
      mean[j] = (float) m;
      scale[j] = var > 1e-12 ? (float) (1 / Math.sqrt(var)) : 1f;
    }
    return new FeatureHead(mean, scale);
  }

  @Override
  public Operand<TFloat32> logits(Layers net, Features features) {
    var tf = net.tf();
    Operand<TFloat32> x = tf.math.mul(
        tf.math.sub(features.get(INPUT), tf.constant(mean)), tf.constant(scale));
    int hidden = net.flags().getInt("hidden", 1024);
    if (hidden > 0) {
      x = net.dense("hidden", x, hidden, true);
      x = net.dropout(x, net.flags().getFloat("dropout", 0.5f));
    }
    return net.dense("logits", x, net.numClasses(), false);
  }
}
