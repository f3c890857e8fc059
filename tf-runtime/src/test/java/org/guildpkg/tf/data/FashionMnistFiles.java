package org.guildpkg.tf.data;

import java.nio.file.Path;

/** The real Fashion-MNIST IDX files as Debian's dataset-fashion-mnist installs them. */
final class FashionMnistFiles {
  static final Path DIR = Path.of("/usr/share/datasets/fashion-mnist");
  static final Path TRAIN_IMAGES = DIR.resolve("train-images-idx3-ubyte.gz");
  static final Path TRAIN_LABELS = DIR.resolve("train-labels-idx1-ubyte.gz");
  static final Path TEST_IMAGES = DIR.resolve("t10k-images-idx3-ubyte.gz");
  static final Path TEST_LABELS = DIR.resolve("t10k-labels-idx1-ubyte.gz");

  private FashionMnistFiles() {}
}
