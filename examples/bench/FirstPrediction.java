import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import org.guildpkg.tf.model.SavedModel;

/**
 * Prints how long a fresh JVM takes to its first prediction with half_plus_two through Guild's
 * SavedModel view: JVM start to main, to the model loaded (natives loaded, extracted first when
 * JavaCPP's cache is cold), and to the first answer. Run by first-prediction.sh; not a test.
 */
public final class FirstPrediction {
  public static void main(String[] args) {
    long start = ManagementFactory.getRuntimeMXBean().getStartTime();
    long main = System.currentTimeMillis();
    try (SavedModel model = SavedModel.open(Path.of(args[0]))) {
      long loaded = System.currentTimeMillis();
      float[][] y = model.predict(new float[][] {{1f}, {2f}, {5f}});
      long predicted = System.currentTimeMillis();
      if (y[0][0] != 2.5f || y[1][0] != 3.0f || y[2][0] != 4.5f) {
        throw new AssertionError("half_plus_two gave wrong answers");
      }
      System.out.printf("jvm_to_main_ms=%d main_to_loaded_ms=%d loaded_to_prediction_ms=%d total_ms=%d%n",
          main - start, loaded - main, predicted - loaded, predicted - start);
    }
  }
}
