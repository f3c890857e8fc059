package org.guildpkg.tf.author;

import java.util.List;
import java.util.Map;
import org.guildpkg.GuildException;
import org.tensorflow.Operand;
import org.tensorflow.framework.initializers.Initializer;
import org.tensorflow.framework.initializers.Zeros;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.random.RandomUniform;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Layer helpers for {@link ModelCode}: variables shared between the training and the inference
 * graph, dense and convolution layers, pooling, flattening and dropout, plus the run's flags.
 *
 * <p>Everything here is plain TensorFlow Java: {@link #tf()} gives the ops for anything else.
 */
public final class Layers {
  private final Ops tf;
  private final Ops root;
  private final boolean training;
  private final Flags flags;
  private final int numClasses;
  private final long seed;
  private final Map<String, Variable<TFloat32>> variables;
  private final Operand<TInt64> step;
  private int randomOps;

  /**
   * The helpers for one graph being built; the training engine ({@code TrainableModel}) makes one
   * for the training graph and one for inference, sharing {@code variables}.
   *
   * @param root the graph's root ops, where variables are made
   * @param tf the ops in the current name scope
   * @param training whether this is the training graph (dropout active)
   * @param flags the run's flag values
   * @param numClasses the dataset's number of classes
   * @param seed seeds the initializers and dropout
   * @param variables the variables made so far, by name, shared between the two graphs
   */
  public Layers(
      Ops root,
      Ops tf,
      boolean training,
      Flags flags,
      int numClasses,
      long seed,
      Map<String, Variable<TFloat32>> variables) {
    this(root, tf, training, flags, numClasses, seed, variables, null);
  }

  /**
   * Like the constructor without {@code step}, with the training graph's step counter: dropout
   * then draws its mask from {@code (seed, step)} with a stateless random op, so that a run
   * resumed from a checkpoint draws the same masks as one that never stopped (a stateful random
   * op would start its sequence again on every load).
   *
   * @param step the number of optimizer steps done before this one (int64 scalar), or null
   */
  public Layers(
      Ops root,
      Ops tf,
      boolean training,
      Flags flags,
      int numClasses,
      long seed,
      Map<String, Variable<TFloat32>> variables,
      Operand<TInt64> step) {
    this.step = step;
    this.root = root;
    this.tf = tf;
    this.training = training;
    this.flags = flags;
    this.numClasses = numClasses;
    this.seed = seed;
    this.variables = variables;
  }

  /** The ops of the graph being built. */
  public Ops tf() {
    return tf;
  }

  /** True while building the training graph (dropout active), false for inference. */
  public boolean training() {
    return training;
  }

  /** The run's flag values. */
  public Flags flags() {
    return flags;
  }

  /** How many classes the dataset has: the width of the logits. */
  public int numClasses() {
    return numClasses;
  }

  /**
   * A float32 variable, made on first use and the same variable when the inference graph asks
   * for the same name ({@code '/'} in the name becomes {@code '_'} in the graph).
   *
   * @throws GuildException when the name was used before with another shape
   */
  public Variable<TFloat32> variable(String name, Shape shape, Initializer<TFloat32> init) {
    Variable<TFloat32> v = variables.get(name);
    if (v == null) {
      // Graph op names cannot hold '/' outside of scopes: "dense/kernel" becomes "dense_kernel".
      String op = name.replace('/', '_');
      v = root.withName(op).variable(
          init.call(root.withSubScope(op + "_init"), root.constant(shape), TFloat32.class));
      variables.put(name, v);
    } else if (!v.shape().equals(shape)) {
      throw new GuildException(
          "variable '" + name + "' has shape " + v.shape() + ", not " + shape
              + ": give each layer its own name");
    }
    return v;
  }

  /**
   * Glorot-uniform initialiser for a kernel of {@code shape} (Keras' and TensorFlow's layers'
   * default): uniform in {@code [-l, l]}, {@code l = sqrt(6 / (fanIn + fanOut))}, where the
   * fans are the last two dimensions times the receptive field (the others). Seeded from the
   * run's seed and the variable's order.
   */
  public Initializer<TFloat32> glorotUniform(Shape shape) {
    int n = shape.numDimensions();
    long receptive = 1;
    for (int i = 0; i < n - 2; i++) {
      receptive *= shape.size(i);
    }
    long fanIn = n < 2 ? shape.size(0) : shape.size(n - 2) * receptive;
    long fanOut = n < 2 ? shape.size(0) : shape.size(n - 1) * receptive;
    float limit = (float) Math.sqrt(6.0 / (fanIn + fanOut));
    long s = seed + variables.size();
    // tensorflow-framework 1.1.0's Glorot(UNIFORM) draws from [0, limit) only: all-positive
    // kernels make a deep ReLU network's logits explode, so this draws [-limit, limit) itself.
    return (ops, dims, type) -> ops.math.mul(
        ops.math.sub(ops.math.mul(ops.random.randomUniform(dims, TFloat32.class, RandomUniform.seed(s)),
            ops.constant(2f)), ops.constant(1f)),
        ops.constant(limit));
  }

  /**
   * A dense layer {@code x·W + b} over a 2-D input, with ReLU when {@code relu}.
   *
   * @param name names the layer's variables ({@code name/kernel}, {@code name/bias})
   */
  public Operand<TFloat32> dense(String name, Operand<TFloat32> x, int units, boolean relu) {
    long in = staticDim(x, 1, name);
    Variable<TFloat32> w = variable(name + "/kernel", Shape.of(in, units), glorotUniform(Shape.of(in, units)));
    Variable<TFloat32> b = variable(name + "/bias", Shape.of(units), new Zeros<>());
    Operand<TFloat32> y = tf.math.add(tf.linalg.matMul(x, w), b);
    return relu ? tf.nn.relu(y) : y;
  }

  /**
   * A 2-D convolution with {@code SAME} padding, stride 1, bias and ReLU over an NHWC input.
   *
   * @param kernel the square kernel's side (5 for 5x5)
   */
  public Operand<TFloat32> conv2d(String name, Operand<TFloat32> x, int kernel, int filters) {
    return conv2d(name, x, kernel, filters, 1);
  }

  /**
   * A 2-D convolution with {@code SAME} padding, the given stride, bias and ReLU over an NHWC
   * input: with stride 2 the output has half the height and width (rounded up).
   *
   * @param kernel the square kernel's side (7 for 7x7)
   */
  public Operand<TFloat32> conv2d(String name, Operand<TFloat32> x, int kernel, int filters, int stride) {
    positive(kernel, "kernel", name);
    positive(filters, "filters", name);
    positive(stride, "stride", name);
    long in = staticDim(x, 3, name);
    Shape k = Shape.of(kernel, kernel, in, filters);
    Variable<TFloat32> w = variable(name + "/kernel", k, glorotUniform(k));
    Variable<TFloat32> b = variable(name + "/bias", Shape.of(filters), new Zeros<>());
    return tf.nn.relu(tf.nn.biasAdd(
        tf.nn.conv2d(x, w, List.of(1L, (long) stride, (long) stride, 1L), "SAME"), b));
  }

  /** Max-pooling over {@code size x size} windows with stride {@code size} (NHWC). */
  public Operand<TFloat32> maxPool(Operand<TFloat32> x, int size) {
    Operand<org.tensorflow.types.TInt32> k = tf.constant(new int[] {1, size, size, 1});
    return tf.nn.maxPool(x, k, k, "VALID");
  }

  /**
   * Max-pooling over {@code size x size} windows with the given stride and {@code SAME} padding
   * (NHWC): GoogLeNet's overlapping 3x3/2 pools, or 3x3/1 pools that keep the size.
   */
  public Operand<TFloat32> maxPool(Operand<TFloat32> x, int size, int stride) {
    positive(size, "pool size", "maxPool");
    positive(stride, "stride", "maxPool");
    return tf.nn.maxPool(x, tf.constant(new int[] {1, size, size, 1}),
        tf.constant(new int[] {1, stride, stride, 1}), "SAME");
  }

  /**
   * Average-pooling over {@code size x size} windows with the given stride and {@code SAME}
   * padding (NHWC); padded positions are not counted in the average, as in TensorFlow.
   */
  public Operand<TFloat32> avgPool(Operand<TFloat32> x, int size, int stride) {
    positive(size, "pool size", "avgPool");
    positive(stride, "stride", "avgPool");
    return tf.nn.avgPool(x, List.of(1L, (long) size, (long) size, 1L),
        List.of(1L, (long) stride, (long) stride, 1L), "SAME");
  }

  /**
   * The mean over the height and width of an NHWC input, {@code [-1, channels]}: the global
   * average pooling that ends GoogLeNet and MobileNet, for any input size.
   */
  public Operand<TFloat32> globalAvgPool(Operand<TFloat32> x) {
    long channels = staticDim(x, 3, "globalAvgPool");
    Operand<TFloat32> mean = tf.math.mean(x, tf.constant(new int[] {1, 2}));
    return tf.reshape(mean, tf.constant(new long[] {-1, channels}));
  }

  /**
   * Concatenates NHWC inputs of one height and width along their channels: the join of an
   * inception module's branches.
   *
   * @throws GuildException when fewer than two inputs are given
   */
  @SafeVarargs
  public final Operand<TFloat32> concat(Operand<TFloat32>... branches) {
    if (branches.length < 2) {
      throw new GuildException("concat needs at least two inputs, not " + branches.length);
    }
    for (Operand<TFloat32> b : branches) {
      staticDim(b, 3, "concat");
    }
    return tf.concat(List.of(branches), tf.constant(3));
  }

  /**
   * An image batch for conv2d: {@code x} itself when it is already {@code [-1, height, width,
   * channels]} (colour images), else {@code x} reshaped to {@code [-1, height, width, 1]} (grey).
   */
  public Operand<TFloat32> asImages(Operand<TFloat32> x) {
    if (x.shape().numDimensions() == 4) {
      staticDim(x, 3, "image");
      return x;
    }
    return tf.reshape(x, tf.constant(new long[] {-1, staticDim(x, 1, "image"), staticDim(x, 2, "image"), 1}));
  }

  /** Reshapes {@code x} to {@code [-1, n]}, n the product of its static non-batch dimensions. */
  public Operand<TFloat32> flatten(Operand<TFloat32> x) {
    long n = 1;
    for (int i = 1; i < x.shape().numDimensions(); i++) {
      n *= staticDim(x, i, "flatten");
    }
    return tf.reshape(x, tf.constant(new long[] {-1, n}));
  }

  /**
   * Inverted dropout: while training, zeroes each value with probability {@code rate} and scales
   * the others by {@code 1 / (1 - rate)}; the identity for inference or a rate of 0.
   */
  public Operand<TFloat32> dropout(Operand<TFloat32> x, float rate) {
    if (rate < 0 || rate >= 1) {
      throw new GuildException("dropout rate " + rate + " is outside [0, 1)");
    }
    if (!training || rate == 0f) {
      return x;
    }
    int op = ++randomOps;
    Operand<TFloat32> u;
    if (step != null) {
      // Seed (seed, step * 2^16 + op): a new mask every step and for every dropout layer.
      Operand<TInt64> second = tf.math.add(
          tf.math.mul(step, tf.constant(1L << 16)), tf.constant((long) op));
      Operand<TInt64> seeds = tf.stack(List.of(tf.constant(seed), second));
      u = tf.random.statelessRandomUniform(tf.shape(x), seeds, TFloat32.class);
    } else {
      u = tf.random.randomUniform(
          tf.shape(x), TFloat32.class, RandomUniform.seed(seed), RandomUniform.seed2((long) op));
    }
    Operand<TFloat32> keep = tf.dtypes.cast(tf.math.greaterEqual(u, tf.constant(rate)), TFloat32.class);
    return tf.math.mul(x, tf.math.mul(keep, tf.constant(1f / (1f - rate))));
  }

  private static void positive(int value, String what, String where) {
    if (value < 1) {
      throw new GuildException(where + ": " + what + " must be at least 1, not " + value);
    }
  }

  private static long staticDim(Operand<TFloat32> x, int i, String where) {
    Shape s = x.shape();
    if (s.isUnknown() || s.numDimensions() <= i || s.size(i) < 0) {
      throw new GuildException(
          where + ": dimension " + i + " of shape " + s + " is unknown; reshape to a static shape first");
    }
    return s.size(i);
  }
}
