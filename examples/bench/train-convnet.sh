#!/usr/bin/env bash
# Training benchmark (not a test): fashion-mnist-convnet-src trained through guild's Trainer vs a
# hand-written TensorFlow Java loop of the same graph and batch (examples/s and overhead ratio),
# then trained on the full train split and evaluated on the 10,000 test images (target >= 0.91).
# Usage: examples/bench/train-convnet.sh [EPOCHS=12] [SPEED_STEPS=200]
# Needs Debian's Fashion-MNIST (apt-get install dataset-fashion-mnist). About 20 s an epoch
# (3,000 examples/s) on the 2-core machines here; 12 epochs and the speed rounds take about 6 min.
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/prelude.sh"
tf_classpath
start=$(date +%s)
java -Xmx4g -cp "$cp" -Dguild.repoRoot="$root" "$root/examples/bench/TrainConvnetBenchmark.java" "$@"
echo "benchmark wall time: $(( $(date +%s) - start )) s"
