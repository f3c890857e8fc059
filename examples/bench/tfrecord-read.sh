#!/usr/bin/env bash
# Reading and batching speed of the Fashion-MNIST train split, in one run:
#   guild's TFRecordReader (CRCs checked, and unchecked) vs TensorFlow's own V1 TFRecordDataset op
#   through TensorFlow Java on the same files (ratio), and guild's batching into tensors of 128.
# Usage: examples/bench/tfrecord-read.sh [ROUNDS]   (default 5; each figure is the best round)
# Needs the Debian package dataset-fashion-mnist (/usr/share/datasets/fashion-mnist).
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/prelude.sh"
rounds="${1:-5}"
cd "$root"
tf_classpath
./guild tfrecord from-idx --images "$FASHION_MNIST/train-images-idx3-ubyte.gz" \
  --labels "$FASHION_MNIST/train-labels-idx1-ubyte.gz" --output "$work" --prefix train --shards 4 >/dev/null
machine_note
java -Xmx2g -cp "$cp" "$bench_dir/TfRecordReadBenchmark.java" "$work" "$rounds"
