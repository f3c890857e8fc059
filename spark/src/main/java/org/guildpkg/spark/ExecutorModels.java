package org.guildpkg.spark;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.guildpkg.tf.train.TrainableModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models loaded in this JVM, one per package location: an executor loads a model package
 * once, however many tasks and partitions use it, and keeps it until the JVM exits (an executor
 * lives as long as its application). TensorFlow sessions take concurrent calls, so the tasks
 * of one executor share the model.
 */
final class ExecutorModels {
  private static final Logger LOG = LoggerFactory.getLogger(ExecutorModels.class);
  private static final Map<PackageLocation, TrainableModel> MODELS = new ConcurrentHashMap<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(ExecutorModels::closeAll, "guild-spark-models"));
  }

  private ExecutorModels() {}

  /** The model at {@code location}, loaded (and installed from a mirror if need be) on first use. */
  static TrainableModel get(PackageLocation location) {
    return MODELS.computeIfAbsent(location, l -> {
      long t0 = System.nanoTime();
      TrainableModel m = TrainableModel.load(l.resolve());
      LOG.info("loaded model {} in {} ms", l, (System.nanoTime() - t0) / 1_000_000);
      return m;
    });
  }

  /** Closes every loaded model (at JVM exit, or when a driver-side program is done with them). */
  static void closeAll() {
    for (PackageLocation l : MODELS.keySet()) {
      TrainableModel m = MODELS.remove(l);
      if (m != null) {
        m.close();
      }
    }
  }
}
