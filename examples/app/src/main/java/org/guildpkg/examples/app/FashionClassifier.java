package org.guildpkg.examples.app;

import java.util.List;
import org.guildpkg.GuildPackages;
import org.guildpkg.tf.classify.Classifier;
import org.guildpkg.tf.classify.Prediction;
import org.guildpkg.tf.data.Dataset;
import org.guildpkg.tf.data.SplitArrays;
import org.guildpkg.tf.model.SavedModel;

/**
 * Loads the trained Fashion-MNIST convnet package, classifies the first test images of the
 * fashion-mnist package and prints what it sees next to the truth.
 */
public final class FashionClassifier {
  private FashionClassifier() {}

  /** Classifies {@code args[0]} (default 8) test images. */
  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 8;
    Dataset data = GuildPackages.load("fashion-mnist").as(Dataset.class);
    SplitArrays test = data.split("test").toArrays();
    try (SavedModel model = GuildPackages.load("fashion-mnist-convnet+fashion-mnist").as(SavedModel.class)) {
      Classifier classifier = Classifier.of(model);
      byte[][] images = java.util.Arrays.copyOf(test.uint8("image"), n);
      List<Prediction> predictions = classifier.classifyBatch(images);
      long[] labels = test.int64Scalars("label");
      int right = 0;
      for (int i = 0; i < n; i++) {
        String truth = data.classes().get((int) labels[i]);
        right += predictions.get(i).index() == labels[i] ? 1 : 0;
        System.out.printf("image %d: %-12s (truth: %s)%n", i, predictions.get(i).label(), truth);
      }
      System.out.printf("%d of %d right%n", right, n);
    }
  }
}
