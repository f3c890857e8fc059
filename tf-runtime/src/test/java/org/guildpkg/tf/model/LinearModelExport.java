package org.guildpkg.tf.model;

import java.nio.file.Path;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Exports a real, tiny SavedModel of this project's model interface for tests: {@code y = x * w}
 * with one variable {@code w = 1}, and the signatures {@code serving_default} (x -> y),
 * {@code train} (x, label -> loss; one gradient-descent step on {@code w} per call, an
 * {@code ApplyGradientDescent} op) and {@code evaluate} (x, label -> loss; reads only).
 */
public final class LinearModelExport {
  private LinearModelExport() {}

  /** Writes the model into {@code dir} (which must not exist) and returns it. */
  public static Path export(Path dir) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.withName("x").placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, 1)));
      Placeholder<TFloat32> label = tf.withName("label").placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1)));
      Variable<TFloat32> w = tf.withName("w").variable(tf.constant(new float[][] {{1f}}));
      Operand<TFloat32> y = tf.withName("y").linalg.matMul(x, w);
      Operand<TFloat32> err = tf.math.sub(tf.reshape(y, tf.constant(new long[] {-1})), label);
      Operand<TFloat32> loss = tf.math.mean(tf.math.square(err), tf.constant(0));
      // d(loss)/dw = 2 * mean(x * err)
      Operand<TFloat32> grad = tf.reshape(tf.math.mul(tf.constant(2f),
          tf.math.mean(tf.math.mul(tf.reshape(x, tf.constant(new long[] {-1})), err),
              tf.constant(0))), tf.constant(new long[] {1, 1}));
      Operand<TFloat32> step = tf.train.applyGradientDescent(w, tf.constant(0.1f), grad);
      Operand<TFloat32> trainLoss = tf.withControlDependencies(java.util.List.of(step))
          .withName("train_loss").identity(loss);
      Operand<TFloat32> evalLoss = tf.withName("eval_loss").identity(loss);
      String predict = "tensorflow/serving/predict";
      try (Session s = new Session(g)) {
        s.initialize();
        SavedModelBundle.exporter(dir.toString())
            .withSession(s)
            .withSignatures(
                Signature.builder("serving_default").methodName(predict)
                    .input("x", x).output("y", y).build(),
                Signature.builder("train").methodName(predict)
                    .input("x", x).input("label", label).output("loss", trainLoss).build(),
                Signature.builder("evaluate").methodName(predict)
                    .input("x", x).input("label", label).output("loss", evalLoss).build())
            .export();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return dir;
  }
}
