package org.guildpkg.spark.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.guildpkg.GuildException;
import org.guildpkg.cli.GuildCli;
import org.guildpkg.spark.BatchPrediction;
import org.guildpkg.spark.PackageLocation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code guild spark predict MODEL DATASET --output DIR}: a model package's predictions for
 * every example of a dataset split, computed on a Spark cluster and written as Parquet: the
 * split's columns plus {@code class}, {@code class_name} and {@code probabilities}.
 */
@Command(
    name = "predict",
    mixinStandardHelpOptions = true,
    description = "Predict a dataset split with a model package across a Spark cluster; write Parquet.")
public final class SparkPredictCommand implements Callable<Integer> {
  @ParentCommand SparkCommand spark;
  @Mixin SparkJob job;

  @Option(names = "--output", required = true, paramLabel = "DIR",
      description = "The Parquet folder to write (must not exist; on a cluster, a path every executor can write).")
  String output;

  @Option(names = "--without-features", description = "Leave the split's feature columns (such as image bytes) but its label out of the output.")
  boolean withoutFeatures;

  /** Creates the command; picocli calls this. */
  public SparkPredictCommand() {}

  @Override
  public Integer call() {
    GuildCli cli = spark.parent;
    boolean uri = output.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*");
    if (!uri && Files.exists(Path.of(output))) {
      throw new GuildException(Path.of(output).toAbsolutePath() + " exists already; give --output a new folder");
    }
    String target = uri ? output : Path.of(output).toAbsolutePath().toString();
    PackageLocation model = job.model(cli);
    long n;
    SparkSession session = job.session("predict");
    try {
      var frame = job.frame(session, cli);
      n = SparkJob.run(() -> {
        var out = BatchPrediction.predict(frame, model, job.batchSize);
        if (withoutFeatures) {
          out = out.drop(java.util.Arrays.stream(frame.columns()).filter(c -> !c.equals("label")).toArray(String[]::new));
        }
        out.write().parquet(target);
        return session.read().parquet(target).count();
      });
    } finally {
      job.stop(session);
    }
    cli.out().println("wrote " + n + " predictions to " + target);
    cli.out().flush();
    return 0;
  }
}
