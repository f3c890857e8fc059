package org.guildpkg.spark.cli;

import java.util.concurrent.Callable;
import org.guildpkg.cli.GuildCli;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code guild spark}: batch prediction and evaluation of model packages on a Spark cluster. */
@Command(
    name = "spark",
    mixinStandardHelpOptions = true,
    description = "Predict with or evaluate a model package on a dataset split on Apache Spark (local[*] by default).",
    subcommands = {SparkPredictCommand.class, SparkEvaluateCommand.class})
public final class SparkCommand implements Callable<Integer> {
  @ParentCommand GuildCli parent;
  @Spec CommandSpec spec;

  /** Creates the command; picocli calls this. */
  public SparkCommand() {}

  @Override
  public Integer call() {
    spec.commandLine().usage(parent.out());
    return 0;
  }
}
