package org.guildpkg.tf.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.guildpkg.tf.data.TFRecordReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code guild tfrecord verify}: checks every record's CRCs. */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = "Check both CRCs of every record (plain, gzip or zlib files); exit 1 naming the"
        + " file and byte offset of the first corrupt or truncated record.")
final class TfRecordVerifyCommand implements Callable<Integer> {
  @ParentCommand TfRecordCommand parent;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "TFRecord files to check.")
  List<Path> files;

  @Override
  public Integer call() {
    for (Path f : files) {
      try (TFRecordReader r = TFRecordReader.open(f)) {
        while (r.next()) {
          // every record's CRCs are checked by next()
        }
        parent.out().println(f + ": " + r.records() + " records, " + r.compression() + ", OK");
      }
    }
    return 0;
  }
}
