package org.guildpkg.tf.author;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.guildpkg.GuildException;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** The layer helpers that inception modules need: strided convolution, pools, concatenation. */
class LayersTest {
  static Layers layers(Graph g) {
    Ops tf = Ops.create(g);
    return new Layers(tf, tf, false, Flags.resolve(Map.of(), Map.of()), 10, 1, new HashMap<>());
  }

  /** A 1 x 4 x 4 x 1 image holding 0..15 row by row. */
  static Operand<TFloat32> ramp(Ops tf) {
    float[][][][] v = new float[1][4][4][1];
    for (int i = 0; i < 16; i++) {
      v[0][i / 4][i % 4][0] = i;
    }
    return tf.constant(StdArrays.ndCopyOf(v));
  }

  static float[] run(Graph g, Operand<TFloat32> out) {
    try (Session s = new Session(g)) {
      s.initialize();
      try (Result r = s.runner().fetch(out).run()) {
        TFloat32 t = (TFloat32) r.get(0);
        float[] a = new float[(int) t.shape().size()];
        t.copyTo(org.tensorflow.ndarray.buffer.DataBuffers.of(a, false, false));
        return a;
      }
    }
  }

  @Test
  void poolsWithSamePaddingAndStrideTwoHalveTheImage() {
    try (Graph g = new Graph()) {
      Layers net = layers(g);
      Operand<TFloat32> x = ramp(net.tf());
      Operand<TFloat32> max = net.maxPool(x, 3, 2);
      Operand<TFloat32> avg = net.avgPool(x, 2, 2);
      assertThat(max.shape()).isEqualTo(Shape.of(1, 2, 2, 1));
      assertThat(run(g, max)).containsExactly(10, 11, 14, 15);
      assertThat(run(g, avg)).containsExactly(2.5f, 4.5f, 10.5f, 12.5f);
      // 3x3/1 average at a corner counts only the 4 real pixels: (0 + 1 + 4 + 5) / 4.
      assertThat(run(g, net.avgPool(x, 3, 1))[0]).isEqualTo(2.5f);
      assertThat(run(g, net.globalAvgPool(x))).containsExactly(7.5f);
    }
  }

  @Test
  void concatJoinsBranchesAlongChannelsAndStridedConvHalves() {
    try (Graph g = new Graph()) {
      Layers net = layers(g);
      Operand<TFloat32> x = ramp(net.tf());
      Operand<TFloat32> a = net.conv2d("a", x, 1, 3);
      Operand<TFloat32> b = net.conv2d("b", x, 3, 5);
      Operand<TFloat32> joined = net.concat(a, b, x);
      assertThat(joined.shape()).isEqualTo(Shape.of(1, 4, 4, 9));
      float[] v = run(g, joined);
      // The last channel is x itself.
      assertThat(v[8]).isEqualTo(0f);
      assertThat(v[9 * 15 + 8]).isEqualTo(15f);
      assertThat(net.conv2d("c", x, 7, 2, 2).shape()).isEqualTo(Shape.of(1, 2, 2, 2));
      assertThat(net.globalAvgPool(joined).shape().size(1)).isEqualTo(9);
    }
  }

  @Test
  void colourImagesPassThroughAsImagesAndBadArgumentsNameThemselves() {
    try (Graph g = new Graph()) {
      Layers net = layers(g);
      Operand<TFloat32> rgb = net.tf().zeros(net.tf().constant(new long[] {2, 8, 8, 3}), TFloat32.class);
      assertThat(net.asImages(rgb).shape()).isEqualTo(Shape.of(2, 8, 8, 3));
      assertThatThrownBy(() -> net.concat(rgb)).isInstanceOf(GuildException.class)
          .hasMessage("concat needs at least two inputs, not 1");
      assertThatThrownBy(() -> net.conv2d("bad", rgb, 3, 4, 0)).hasMessage("bad: stride must be at least 1, not 0");
    }
  }
}
