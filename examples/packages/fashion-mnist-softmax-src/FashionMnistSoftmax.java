import org.guildpkg.tf.author.Features;
import org.guildpkg.tf.author.Flags;
import org.guildpkg.tf.author.Layers;
import org.guildpkg.tf.author.ModelCode;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.framework.optimizers.GradientDescent;
import org.tensorflow.framework.optimizers.Optimizer;
import org.tensorflow.types.TFloat32;

/**
 * Multinomial logistic regression: one dense layer from the 784 pixels to the 10 classes,
 * trained by gradient descent (TensorFlow's "MNIST for ML beginners" model).
 */
public final class FashionMnistSoftmax implements ModelCode {
  @Override
  public Operand<TFloat32> logits(Layers net, Features features) {
    Operand<TFloat32> pixels = net.flatten(features.get("image"));
    return net.dense("softmax", pixels, net.numClasses(), false);
  }

  @Override
  public Optimizer optimizer(Graph graph, Flags flags) {
    return new GradientDescent(graph, flags.getFloat("learning_rate"));
  }
}
