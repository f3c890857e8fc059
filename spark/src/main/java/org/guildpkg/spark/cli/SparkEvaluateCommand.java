package org.guildpkg.spark.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.guildpkg.cli.GuildCli;
import org.guildpkg.spark.DistributedEvaluation;
import org.guildpkg.spark.PackageLocation;
import org.guildpkg.tf.cli.EvaluateCommand;
import org.guildpkg.tf.train.Evaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code guild spark evaluate MODEL DATASET}: loss, accuracy, per-class accuracy and the
 * confusion matrix of a model package on a dataset split, computed on a Spark cluster; prints
 * what {@code guild evaluate --model} prints, and with {@code --json} the same fields.
 */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description = "Evaluate a model package on a dataset split across a Spark cluster (as 'guild evaluate').")
public final class SparkEvaluateCommand implements Callable<Integer> {
  @ParentCommand SparkCommand spark;
  @Mixin SparkJob job;

  @Option(names = "--json", description = "Print the metrics as JSON (the fields of 'guild evaluate --json').")
  boolean json;

  /** Creates the command; picocli calls this. */
  public SparkEvaluateCommand() {}

  @Override
  public Integer call() {
    GuildCli cli = spark.parent;
    PackageLocation model = job.model(cli);
    Evaluation e;
    ObjectNode dataset;
    SparkSession session = job.session("evaluate");
    try {
      var frame = job.frame(session, cli);
      dataset = job.datasetRef(cli);
      e = SparkJob.run(() -> DistributedEvaluation.evaluate(frame, model, job.batchSize));
    } finally {
      job.stop(session);
    }
    ObjectNode metrics = e.toJson();
    metrics.put("split", job.split);
    metrics.set("dataset", dataset);
    PrintWriter out = cli.out();
    if (json) {
      out.println(metrics.toPrettyString());
    } else {
      EvaluateCommand.print(out, e, dataset.path("name").asText() + "@" + dataset.path("version").asText() + " " + job.split);
    }
    out.flush();
    return 0;
  }
}
