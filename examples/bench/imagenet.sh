#!/usr/bin/env bash
# MobileNet v2 (mobilenet-v2+ilsvrc2012's model, imported from its TFLite file) predictions per
# second on grace_hopper.bmp at batch 1 and 32: Guild's Classifier vs a hand-written TensorFlow Java
# session on the same graph (the library's overhead), and REST with b64 images vs in-process. All
# in one JVM, one after the other, so the ratios share the machine's load at that moment.
# Usage: GUILD_SOURCES=DIR examples/bench/imagenet.sh [SECONDS] (default 10 per measurement); DIR
# holds mobilenet_v2_1.0_224_quant.tflite, imagenet_labels.txt and grace_hopper.bmp.
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/prelude.sh"
seconds="${1:-10}"
find_source() {
  local d IFS=:
  for d in ${GUILD_SOURCES:-}; do [[ -f "$d/$1" ]] && { echo "$d/$1"; return; }; done
  echo "imagenet.sh: $1 is not in a folder of GUILD_SOURCES (${GUILD_SOURCES:-unset})" >&2; exit 1
}
tflite=$(find_source mobilenet_v2_1.0_224_quant.tflite)
labels=$(find_source imagenet_labels.txt)
photo=$(find_source grace_hopper.bmp)
tf_classpath
"$root/guild" model import tflite "$tflite" --labels "$labels" --output "$work/model" >/dev/null 2>&1
javac -d "$work/classes" -cp "$cp" "$bench_dir/ImagenetBench.java"
machine_note
java -cp "$work/classes:$cp" ImagenetBench "$work/model" "$photo" "$seconds" 2>/dev/null
