#!/usr/bin/env bash
# Reading and batching speed of the Fashion-MNIST train split, in one run:
#   guild's TFRecordReader (CRCs checked, and unchecked) vs TensorFlow's own V1 TFRecordDataset op
#   through TensorFlow Java on the same files (ratio), and guild's batching into tensors of 128.
# Usage: examples/bench/tfrecord-read.sh [ROUNDS]   (default 5; each figure is the best round)
# Needs the Debian package dataset-fashion-mnist (/usr/share/datasets/fashion-mnist).
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
rounds="${1:-5}"
cd "$root"
mvn -B -q -o -DskipTests -pl core,tf-runtime,examples compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=runtime >&2
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
src=/usr/share/datasets/fashion-mnist
./guild tfrecord from-idx --images "$src/train-images-idx3-ubyte.gz" \
  --labels "$src/train-labels-idx1-ubyte.gz" --output "$work" --prefix train --shards 4 >/dev/null
echo "cores: $(nproc) (shared machine: figures vary with other load)"
TF_CPP_MIN_LOG_LEVEL=2 java -Xmx2g \
  -cp "$root/examples/target/classes:$(cat examples/target/bench.classpath)" \
  org.guildpkg.examples.bench.TfRecordReadBenchmark "$work" "$rounds"
