package org.guildpkg.tf.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.guildpkg.tf.data.IdxConverter;
import org.guildpkg.tf.data.TFRecordCompression;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code guild tfrecord from-idx}: IDX image and label files to sharded TFRecords. */
@Command(
    name = "from-idx",
    mixinStandardHelpOptions = true,
    description = {
      "Convert IDX image and label files (as MNIST and Fashion-MNIST ship them, gzip or not) to"
          + " sharded TFRecords of Examples with 'image' (rows x cols uint8 bytes) and 'label' (int64).",
      "Shards are named PREFIX-00000-of-0000N.tfrecord; the features are added to OUTPUT/dataset.json."
    })
final class TfRecordFromIdxCommand implements Callable<Integer> {
  @ParentCommand TfRecordCommand parent;

  @Option(names = "--images", required = true, paramLabel = "FILE", description = "IDX file of images (idx3-ubyte, optionally .gz).")
  Path images;

  @Option(names = "--labels", required = true, paramLabel = "FILE", description = "IDX file of labels (idx1-ubyte, optionally .gz).")
  Path labels;

  @Option(names = "--output", required = true, paramLabel = "DIR", description = "Folder to write the shards to (created if missing).")
  Path output;

  @Option(names = "--prefix", paramLabel = "SPLIT", defaultValue = "train",
      description = "Start of every shard's name, the split's name (default: ${DEFAULT-VALUE}).")
  String prefix;

  @Option(names = "--shards", paramLabel = "N", defaultValue = "1",
      description = "How many files to spread the examples over (default: ${DEFAULT-VALUE}).")
  int shards;

  @Option(names = "--compression", paramLabel = "KIND", defaultValue = "none",
      description = "none, gzip or zlib (default: ${DEFAULT-VALUE}).")
  String compression;

  @Override
  public Integer call() {
    IdxConverter.Result r = IdxConverter.convert(
        images, labels, output, prefix, shards, TFRecordCompression.of(compression));
    r.files().forEach(f -> parent.out().println(f));
    parent.out().println(r.examples() + " examples of " + r.rows() + "x" + r.cols() + " images in "
        + r.files().size() + " shard(s)");
    return 0;
  }
}
