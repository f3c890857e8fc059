package org.guildpkg.spark.cli;

import java.util.List;
import org.guildpkg.spi.CliExtension;

/** Adds {@code guild spark} to the {@code guild} command when guild-spark is on the class path. */
public final class SparkCliExtension implements CliExtension {
  /** Creates the extension; {@link java.util.ServiceLoader} calls this. */
  public SparkCliExtension() {}

  @Override
  public List<Object> subcommands() {
    return List.of(new SparkCommand());
  }
}
