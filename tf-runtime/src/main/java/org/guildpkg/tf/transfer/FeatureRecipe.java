package org.guildpkg.tf.transfer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.guildpkg.GuildException;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;

/**
 * Which of a parent model's activations a transfer-learning head is trained on (the {@code
 * features} flag), built as ops on the parent's graph, so that feature extraction and the exported
 * model compute the same thing.
 *
 * <ul>
 *   <li>{@link #POOLED}: the parent's {@code features} signature as it is (for MobileNet v2 the
 *       1,280 averages of its last feature map).
 *   <li>{@link #SPATIAL} (the default): that last feature map averaged over a 2x2 grid of
 *       overlapping windows instead of the whole image (4 x 1,280 values: where in the image a
 *       feature fired), and beside it the whole-image averages of up to three earlier block
 *       outputs of other widths (for MobileNet v2 320, 160 and 96 channels: less ImageNet-specific
 *       features). On CIFAR-10's full split a hidden-layer head reached 0.7871 test accuracy on
 *       them against 0.7609 on {@link #POOLED} (docs/transfer-learning.md).
 * </ul>
 *
 * <p>Block outputs are found by walking back from the feature map along each op's first input and
 * taking the {@code Add} ops (a convolution's bias or a residual sum) that feed a {@code Conv2D}:
 * in a MobileNet-style graph these are the blocks' narrow outputs. A graph where the walk finds
 * none gets the spatial grid alone.
 */
public enum FeatureRecipe {
  /** The parent's own {@code features}. */
  POOLED,
  /** The last feature map on a 2x2 grid, with earlier blocks' averages. */
  SPATIAL;

  /** How many earlier blocks {@link #SPATIAL} takes at most. */
  static final int BLOCKS = 3;

  /** The flag's value of this recipe ({@code "spatial"}). */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The recipe a flag names.
   *
   * @throws GuildException in one line naming the known recipes
   */
  public static FeatureRecipe of(String flag) {
    for (FeatureRecipe r : values()) {
      if (r.id().equals(flag.trim().toLowerCase(Locale.ROOT))) {
        return r;
      }
    }
    throw new GuildException("flag features: unknown value '" + flag + "'; use spatial or pooled");
  }

  /**
   * Builds this recipe's features (float32 {@code [-1, D]}) from the parent's {@code features}
   * output in its graph.
   *
   * @param what names the parent in errors
   * @throws GuildException when {@link #SPATIAL} cannot find the feature map the features average
   */
  @SuppressWarnings("unchecked")
  Operand<TFloat32> build(Ops tf, Output<?> features, String what) {
    if (this == POOLED) {
      return (Operand<TFloat32>) features;
    }
    Output<TFloat32> map = featureMap(features, what);
    Shape s = map.shape();
    long h = s.size(1);
    long w = s.size(2);
    long c = s.size(3);
    // Two windows a side that overlap by one row or column when the side is odd (7 -> 4 and 4).
    long sh = h / 2;
    long sw = w / 2;
    List<Operand<TFloat32>> parts = new ArrayList<>();
    Operand<TFloat32> grid = tf.nn.avgPool(map, List.of(1L, h - sh, w - sw, 1L), List.of(1L, sh, sw, 1L), "VALID");
    parts.add(tf.reshape(grid, tf.constant(new long[] {-1, 4 * c})));
    for (Output<TFloat32> b : blockOutputs(map)) {
      parts.add(tf.math.mean(b, tf.constant(new int[] {1, 2})));
    }
    return tf.concat(parts, tf.constant(1));
  }

  /** The 4-D feature map the parent's features average: through Reshape/Squeeze/Identity to AvgPool or Mean. */
  @SuppressWarnings("unchecked")
  static Output<TFloat32> featureMap(Output<?> features, String what) {
    GraphOperation op = (GraphOperation) features.op();
    for (int i = 0; i < 8 && Set.of("Reshape", "Squeeze", "Identity").contains(op.type()); i++) {
      op = (GraphOperation) op.input(0).op();
    }
    if (!op.type().equals("AvgPool") && !op.type().equals("Mean")) {
      throw new GuildException(what + ": its features are not the average of a feature map (they come from a "
          + op.type() + " op); retrain it with --flag features=pooled");
    }
    Output<?> map = op.input(0);
    Shape s = map.shape();
    if (map.dataType() != DataType.DT_FLOAT || s.numDimensions() != 4 || s.size(1) < 2 || s.size(2) < 2 || s.size(3) < 1) {
      throw new GuildException(what + ": its features average a map of shape " + s
          + ", not float32 [-1, H, W, C] with H and W of 2 or more; retrain it with --flag features=pooled");
    }
    return (Output<TFloat32>) map;
  }

  /** Up to {@value #BLOCKS} earlier block outputs of widths other than the map's, nearest first. */
  @SuppressWarnings("unchecked")
  static List<Output<TFloat32>> blockOutputs(Output<TFloat32> map) {
    List<Output<TFloat32>> found = new ArrayList<>();
    Set<Long> widths = new HashSet<>();
    widths.add(map.shape().size(3));
    GraphOperation op = (GraphOperation) map.op();
    for (int steps = 0; steps < 10_000 && op.numInputs() > 0 && found.size() < BLOCKS; steps++) {
      Output<?> in = op.input(0);
      op = (GraphOperation) in.op();
      boolean add = op.type().equals("Add") || op.type().equals("AddV2");
      Shape s = in.shape();
      if (add && in.dataType() == DataType.DT_FLOAT && s.numDimensions() == 4 && s.size(3) > 0
          && op.consumers().stream().anyMatch(c -> c.type().equals("Conv2D")) && widths.add(s.size(3))) {
        found.add((Output<TFloat32>) in);
      }
    }
    return found;
  }
}
