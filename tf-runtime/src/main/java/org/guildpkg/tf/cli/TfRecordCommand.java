package org.guildpkg.tf.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.guildpkg.cli.GuildCli;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code guild tfrecord}: converters and inspection of TFRecord files for dataset packagers. */
@Command(
    name = "tfrecord",
    mixinStandardHelpOptions = true,
    description = "Convert to, inspect and verify TFRecord files of tf.train.Examples.",
    subcommands = {TfRecordFromIdxCommand.class, TfRecordFromImagesCommand.class, TfRecordInspectCommand.class, TfRecordVerifyCommand.class})
public final class TfRecordCommand implements Callable<Integer> {
  @ParentCommand GuildCli parent;
  @Spec CommandSpec spec;

  /** Creates the command; picocli calls this. */
  public TfRecordCommand() {}

  PrintWriter out() {
    return parent.out();
  }

  PrintWriter err() {
    return parent.err();
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(parent.out());
    return 0;
  }
}
