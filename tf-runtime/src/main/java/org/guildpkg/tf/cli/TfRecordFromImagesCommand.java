package org.guildpkg.tf.cli;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.guildpkg.GuildException;
import org.guildpkg.tf.data.ImageFolderConverter;
import org.guildpkg.tf.data.TFRecordCompression;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code guild tfrecord from-images}: a folder of images, a sub-folder per class, to TFRecords. */
@Command(
    name = "from-images",
    mixinStandardHelpOptions = true,
    description = {
      "Convert a folder of JPEG, PNG or BMP images with one sub-folder per class (DIR/CLASS/IMAGE,"
          + " or DIR/SPLIT/CLASS/IMAGE for several splits such as train/ and test/) to sharded TFRecords"
          + " of Examples with 'image' and 'label' (int64, the index of the class among the sorted"
          + " folder names).",
      "Images are kept encoded unless --decode is given; all must have one size unless --resize is"
          + " given. Files that are not readable images are listed and left out. The classes and"
          + " features are added to OUTPUT/dataset.json."
    })
final class TfRecordFromImagesCommand implements Callable<Integer> {
  @ParentCommand TfRecordCommand parent;

  @Parameters(index = "0", paramLabel = "DIR", description = "The image folder.")
  Path dir;

  @Option(names = "--output", required = true, paramLabel = "DIR", description = "Folder to write the shards to (created if missing).")
  Path output;

  @Option(names = "--split", paramLabel = "NAME", defaultValue = "train",
      description = "The split's name when DIR holds class folders directly (default: ${DEFAULT-VALUE}).")
  String split;

  @Option(names = "--shards", paramLabel = "N", defaultValue = "1",
      description = "Files per split (default: ${DEFAULT-VALUE}).")
  int shards;

  @Option(names = "--resize", paramLabel = "WxH",
      description = "Resize every image as a whole (bilinear) to WIDTHxHEIGHT, e.g. 32x32; without it all images must have one size.")
  String resize;

  @Option(names = "--channels", paramLabel = "N", defaultValue = "3",
      description = "3 (RGB) or 1 (grayscale) (default: ${DEFAULT-VALUE}).")
  int channels;

  @Option(names = "--decode", description = "Store decoded uint8 pixels instead of the encoded images.")
  boolean decode;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
      description = "Seed of the examples' order within a split (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--compression", paramLabel = "KIND", defaultValue = "none",
      description = "none, gzip or zlib (default: ${DEFAULT-VALUE}).")
  String compression;

  @Override
  public Integer call() {
    ImageFolderConverter.Result r = ImageFolderConverter.convert(dir, output, new ImageFolderConverter.Options(
        split, shards, Optional.ofNullable(resize).map(TfRecordFromImagesCommand::size), channels, decode, seed,
        TFRecordCompression.of(compression)));
    r.skipped().forEach(s -> parent.err().println("guild: left out " + s.file() + ": " + s.reason()));
    StringBuilder splits = new StringBuilder();
    for (ImageFolderConverter.SplitResult s : r.splits()) {
      s.files().forEach(f -> parent.out().println(f));
      splits.append(splits.isEmpty() ? "" : ", ").append(s.name()).append(' ').append(s.examples());
    }
    parent.out().println(r.examples() + " examples of " + r.width() + "x" + r.height() + "x" + r.channels()
        + (r.encoded() ? " encoded" : " decoded") + " images in " + r.classes().size() + " classes (" + splits + ")"
        + (r.skipped().isEmpty() ? "" : "; " + r.skipped().size() + " file(s) left out"));
    return 0;
  }

  private static int[] size(String s) {
    String[] p = s.toLowerCase().split("x");
    try {
      if (p.length == 2) {
        return new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1])};
      }
    } catch (NumberFormatException e) {
      // fall through to the error below
    }
    throw new GuildException("--resize: '" + s + "' is not WIDTHxHEIGHT, such as 224x224");
  }
}
