import org.guildpkg.tf.author.Features;
import org.guildpkg.tf.author.Layers;
import org.guildpkg.tf.author.ModelCode;
import org.tensorflow.Operand;
import org.tensorflow.framework.initializers.Initializer;
import org.tensorflow.framework.initializers.Zeros;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.random.RandomUniform;
import org.tensorflow.types.TFloat32;

/**
 * Inception v1 (GoogLeNet; Szegedy et al., 2014, "Going Deeper with Convolutions"): nine
 * inception modules, each running a 1x1, a 3x3 (after a 1x1 reduction), a 5x5 (after a 1x1
 * reduction) convolution and a 3x3 max-pool (then a 1x1 projection) side by side and
 * concatenating them along the channels; global average pooling, dropout and a softmax layer at
 * the end, so it takes images of any size.
 *
 * <p>The filter counts are the paper's (table 1), times the {@code width} flag (1.0 is GoogLeNet's
 * own width; the default 0.25 trains on a CPU). The stem depends on the input: for inputs of at
 * least 128 pixels it is the paper's (7x7/2 conv, 3x3/2 max-pool, 1x1 and 3x3 convs, 3x3/2
 * max-pool); for small images such as CIFAR-10's 32x32 it is one 3x3 conv, so that modules 3a-3b
 * see 32x32, 4a-4e 16x16 and 5a-5b 8x8. Local response normalisation and the two auxiliary
 * classifiers of the paper are left out (later re-implementations, TF-Slim's included, drop LRN;
 * the auxiliary heads only help training of the full-size network). Without batch normalisation
 * a network this deep learns slowly from Glorot-initialised ReLU layers, so its convolutions start
 * from He initialisation (uniform in {@code +-sqrt(6 / fan_in)}), which keeps the activations'
 * scale from layer to layer.
 */
public final class InceptionV1 implements ModelCode {
  @Override
  public Operand<TFloat32> logits(Layers net, Features features) {
    float w = net.flags().getFloat("width");
    Operand<TFloat32> x = net.asImages(features.get("image"));
    if (x.shape().size(1) >= 128) {
      x = conv(net, "conv1_7x7_s2", x, 7, c(64, w), 2);
      x = net.maxPool(x, 3, 2);
      x = conv(net, "conv2_1x1", x, 1, c(64, w));
      x = conv(net, "conv2_3x3", x, 3, c(192, w));
      x = net.maxPool(x, 3, 2);
    } else {
      x = conv(net, "conv1_3x3", x, 3, c(192, w));
    }
    x = module(net, "3a", x, w, 64, 96, 128, 16, 32, 32);
    x = module(net, "3b", x, w, 128, 128, 192, 32, 96, 64);
    x = net.maxPool(x, 3, 2);
    x = module(net, "4a", x, w, 192, 96, 208, 16, 48, 64);
    x = module(net, "4b", x, w, 160, 112, 224, 24, 64, 64);
    x = module(net, "4c", x, w, 128, 128, 256, 24, 64, 64);
    x = module(net, "4d", x, w, 112, 144, 288, 32, 64, 64);
    x = module(net, "4e", x, w, 256, 160, 320, 32, 128, 128);
    x = net.maxPool(x, 3, 2);
    x = module(net, "5a", x, w, 256, 160, 320, 32, 128, 128);
    x = module(net, "5b", x, w, 384, 192, 384, 48, 128, 128);
    x = net.globalAvgPool(x);
    x = net.dropout(x, net.flags().getFloat("dropout"));
    return net.dense("logits", x, net.numClasses(), false);
  }

  /** One inception module: four branches concatenated along the channels. */
  static Operand<TFloat32> module(
      Layers net, String name, Operand<TFloat32> x, float w,
      int b1x1, int b3x3reduce, int b3x3, int b5x5reduce, int b5x5, int poolProj) {
    String p = "inception_" + name + "/";
    Operand<TFloat32> branch1 = conv(net, p + "1x1", x, 1, c(b1x1, w));
    Operand<TFloat32> branch2 = conv(net, p + "3x3", conv(net, p + "3x3_reduce", x, 1, c(b3x3reduce, w)), 3, c(b3x3, w));
    Operand<TFloat32> branch3 = conv(net, p + "5x5", conv(net, p + "5x5_reduce", x, 1, c(b5x5reduce, w)), 5, c(b5x5, w));
    Operand<TFloat32> branch4 = conv(net, p + "pool_proj", net.maxPool(x, 3, 1), 1, c(poolProj, w));
    return net.concat(branch1, branch2, branch3, branch4);
  }

  /** A convolution, SAME padding, bias and ReLU, with He-initialised kernels. */
  static Operand<TFloat32> conv(Layers net, String name, Operand<TFloat32> x, int kernel, int filters) {
    return conv(net, name, x, kernel, filters, 1);
  }

  /** A strided convolution, SAME padding, bias and ReLU, with He-initialised kernels. */
  static Operand<TFloat32> conv(Layers net, String name, Operand<TFloat32> x, int kernel, int filters, int stride) {
    Ops tf = net.tf();
    long in = x.shape().size(3);
    Shape k = Shape.of(kernel, kernel, in, filters);
    float limit = (float) Math.sqrt(6.0 / (kernel * kernel * in));
    long seed = net.flags().getInt("seed", 1) * 1_000_003L + name.hashCode();
    Initializer<TFloat32> he = (ops, dims, type) -> ops.math.mul(
        ops.math.sub(ops.math.mul(ops.random.randomUniform(dims, TFloat32.class, RandomUniform.seed(seed)),
            ops.constant(2f)), ops.constant(1f)), ops.constant(limit));
    Operand<TFloat32> w = net.variable(name + "/kernel", k, he);
    Operand<TFloat32> b = net.variable(name + "/bias", Shape.of(filters), new Zeros<>());
    return tf.nn.relu(tf.nn.biasAdd(
        tf.nn.conv2d(x, w, java.util.List.of(1L, (long) stride, (long) stride, 1L), "SAME"), b));
  }

  /** A filter count scaled by the width multiplier, at least 1. */
  static int c(int filters, float width) {
    return Math.max(1, Math.round(filters * width));
  }
}
