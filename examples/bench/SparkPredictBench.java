import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;
import org.guildpkg.GuildHome;
import org.guildpkg.GuildPackages;
import org.guildpkg.spark.BatchPrediction;
import org.guildpkg.spark.DatasetFrames;
import org.guildpkg.spark.PackageLocation;
import org.guildpkg.tf.data.Dataset;
import org.guildpkg.tf.train.DatasetExamples;
import org.guildpkg.tf.train.Evaluation;
import org.guildpkg.tf.train.Evaluator;
import org.guildpkg.tf.train.TrainableModel;

/**
 * Benchmark (not a test): batch-prediction throughput of a model package on a dataset's test
 * split through guild-spark on local[1] and local[2] (1 and 2 executor cores), against what
 * {@code guild evaluate} does in one JVM (read the split, run the model over it in batches of
 * 1000). Steady state: one warm-up round each (model load, Spark's code generation), then the
 * median of ROUNDS. Run by spark-predict.sh. Args: MODEL DATASET [ROUNDS]
 */
public class SparkPredictBench {
  public static void main(String[] args) {
    String model = args[0];
    String data = args[1];
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    GuildHome home = GuildPackages.atDefaultHome();
    Dataset view = Dataset.of(home.load(data));
    long n = view.split("test").size();

    List<Double> one = new ArrayList<>();
    try (TrainableModel m = TrainableModel.load(home.load(model).path())) {
      for (int r = 0; r <= rounds; r++) {
        long t0 = System.nanoTime();
        Evaluation e = Evaluator.evaluate(m, DatasetExamples.load(view.split("test")), 1000, x -> {});
        double s = (System.nanoTime() - t0) / 1e9;
        if (r > 0) {
          one.add(s);
        }
        System.out.printf(Locale.ROOT, "one JVM (guild evaluate's path) round %d: %.2f s, accuracy %.4f%n", r, s, e.accuracy());
      }
    }
    double base = median(one);
    System.out.printf(Locale.ROOT, "one JVM: median %.2f s = %.0f examples/s%n", base, n / base);

    PackageLocation loc = PackageLocation.of(model).inHome(home.home());
    PackageLocation dataLoc = PackageLocation.of(data).inHome(home.home());
    for (int cores : new int[] {1, 2}) {
      SparkSession spark = SparkSession.builder().master("local[" + cores + "]").appName("guild-spark-bench")
          .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate();
      spark.sparkContext().setLogLevel("WARN");
      List<Double> times = new ArrayList<>();
      for (int r = 0; r <= rounds; r++) {
        long t0 = System.nanoTime();
        long classes = BatchPrediction.predict(DatasetFrames.read(spark, dataLoc, "test", cores), loc, 1000)
            .agg(sum(col("class"))).first().getLong(0);
        double s = (System.nanoTime() - t0) / 1e9;
        if (r > 0) {
          times.add(s);
        }
        System.out.printf(Locale.ROOT, "spark local[%d] round %d: %.2f s (sum of classes %d)%n", cores, r, s, classes);
      }
      double t = median(times);
      System.out.printf(Locale.ROOT, "spark local[%d]: median %.2f s = %.0f examples/s, %.2fx the one-JVM time%n",
          cores, t, n / t, t / base);
      spark.stop();
    }
  }

  static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    s.sort(null);
    int k = s.size();
    return k % 2 == 1 ? s.get(k / 2) : (s.get(k / 2 - 1) + s.get(k / 2)) / 2;
  }
}
