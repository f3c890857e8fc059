import org.guildpkg.tf.author.Features;
import org.guildpkg.tf.author.Layers;
import org.guildpkg.tf.author.ModelCode;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * The convolutional network of TensorFlow's layers tutorial, which Fashion-MNIST's benchmark
 * table lists: conv 5x5x32 + max-pool 2x2, conv 5x5x64 + max-pool 2x2, dense 1024 with dropout,
 * dense 10. Trained with Adam ({@code learning_rate}).
 */
public final class FashionMnistConvnet implements ModelCode {
  @Override
  public Operand<TFloat32> logits(Layers net, Features features) {
    Operand<TFloat32> x = net.asImages(features.get("image"));
    x = net.maxPool(net.conv2d("conv1", x, 5, 32), 2);
    x = net.maxPool(net.conv2d("conv2", x, 5, 64), 2);
    x = net.dense("dense", net.flatten(x), 1024, true);
    x = net.dropout(x, net.flags().getFloat("dropout"));
    return net.dense("logits", x, net.numClasses(), false);
  }
}
