#!/usr/bin/env bash
# MobileNet v2 (mobilenet-v2+ilsvrc2012's model, imported from its TFLite file) predictions per
# second on grace_hopper.bmp at batch 1 and 32: Guild's Classifier vs a hand-written TensorFlow Java
# session on the same graph (the library's overhead), and REST with b64 images vs in-process. All
# in one JVM, one after the other, so the ratios share the machine's load at that moment.
# Usage: GUILD_SOURCES=DIR examples/bench/imagenet.sh [SECONDS] (default 10 per measurement); DIR
# holds mobilenet_v2_1.0_224_quant.tflite, imagenet_labels.txt and grace_hopper.bmp.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
seconds="${1:-10}"
find_source() {
  local d IFS=:
  for d in ${GUILD_SOURCES:-}; do [[ -f "$d/$1" ]] && { echo "$d/$1"; return; }; done
  echo "imagenet.sh: $1 is not in a folder of GUILD_SOURCES (${GUILD_SOURCES:-unset})" >&2; exit 1
}
tflite=$(find_source mobilenet_v2_1.0_224_quant.tflite)
labels=$(find_source imagenet_labels.txt)
photo=$(find_source grace_hopper.bmp)
"$root/guild" --version >/dev/null   # builds the modules and the class path file when needed
cp="$root/tf-runtime/target/classes:$root/core/target/classes:$(cat "$root/tf-runtime/target/guild.classpath")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export TF_CPP_MIN_LOG_LEVEL=2
"$root/guild" model import tflite "$tflite" --labels "$labels" --output "$work/model" >/dev/null 2>&1
javac -d "$work/classes" -cp "$cp" "$root/examples/bench/ImagenetBench.java"
echo "($(nproc) cores; the machine may be shared, so compare the ratios, not the rates)"
java -cp "$work/classes:$cp" ImagenetBench "$work/model" "$photo" "$seconds" 2>/dev/null
