#!/usr/bin/env bash
# Re-creates mnist-tutorial-1.tar.gz, the (tiny, local) upstream release of the tutorial that this
# example packages, byte for byte: sorted entries, fixed times and owners, gzip without a name or
# time stamp. Run it from anywhere; it writes next to itself.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
top="$work/mnist-tutorial-1"
mkdir -p "$top"

cat > "$top/README.md" <<'MD'
# MNIST tutorial

A softmax regression on MNIST, the first TensorFlow tutorial.

    python mnist_softmax.py --learning_rate 0.5 --epochs 1
MD

cat > "$top/mnist_softmax.py" <<'PY'
"""Softmax regression on MNIST (the TensorFlow tutorial)."""
import argparse

import tensorflow as tf


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--learning_rate", type=float, default=0.5)
    p.add_argument("--epochs", type=int, default=1)
    args = p.parse_args()
    (x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
    model = tf.keras.Sequential([
        tf.keras.layers.Flatten(input_shape=(28, 28)),
        tf.keras.layers.Rescaling(1.0 / 255),
        tf.keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer=tf.keras.optimizers.SGD(args.learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=args.epochs)
    model.evaluate(x_test, y_test)


if __name__ == "__main__":
    main()
PY

chmod 0644 "$top/README.md" "$top/mnist_softmax.py"
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --format=ustar \
  -C "$work" -cf - mnist-tutorial-1 | gzip -n -9 > "$here/mnist-tutorial-1.tar.gz"
sha256sum "$here/mnist-tutorial-1.tar.gz"
