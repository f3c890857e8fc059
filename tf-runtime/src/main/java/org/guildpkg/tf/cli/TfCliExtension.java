package org.guildpkg.tf.cli;

import java.util.List;
import org.guildpkg.spi.CliExtension;

/** Adds tf-runtime's subcommands (TensorFlow work and converters) to the {@code guild} command. */
public final class TfCliExtension implements CliExtension {
  /** Creates the extension; {@link java.util.ServiceLoader} calls this. */
  public TfCliExtension() {}

  @Override
  public List<Object> subcommands() {
    return List.of(
        // One line per subcommand, in the order `guild --help` lists them.
        new CheckCommand(),
        new DeployCommand(),
        new ModelCommand(),
        new PredictCommand(),
        new ServeCommand(),
        new TfRecordCommand(),
        new org.guildpkg.tf.cli.InitCommand(),
        new org.guildpkg.tf.cli.TrainCommand(),
        new org.guildpkg.tf.cli.EvaluateCommand(),
        new org.guildpkg.tf.cli.DemoCommand(),
        new RunsCommand(),
        new CompareCommand());
  }
}
