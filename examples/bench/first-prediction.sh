#!/usr/bin/env bash
# JVM start-to-first-prediction for half_plus_two through Guild's SavedModel view, with JavaCPP's
# native cache cold (a fresh -Dorg.bytedeco.javacpp.cachedir, so TensorFlow's ~650 MB of natives
# are extracted first) and warm (the default ~/.javacpp/cache, already extracted). Prints each run
# and the cold/warm ratio of the medians. Usage: examples/bench/first-prediction.sh [RUNS] (default 3)
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/prelude.sh"
runs="${1:-3}"
model="$root/testdata/tf-serving/saved_model_half_plus_two_cpu/00000123"
tf_classpath
javac -d "$work/classes" -cp "$cp" "$root/examples/bench/FirstPrediction.java"

run() { # $1: cache dir; prints "total_ms wall_ms" after the program's own line
  local t0 t1 line
  t0=$(date +%s%N)
  line=$(java -Dorg.bytedeco.javacpp.cachedir="$1" -cp "$work/classes:$cp" FirstPrediction "$model" 2>/dev/null)
  t1=$(date +%s%N)
  echo "$line wall_ms=$(( (t1 - t0) / 1000000 ))"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

java -Dorg.bytedeco.javacpp.cachedir="$HOME/.javacpp/cache" -cp "$work/classes:$cp" FirstPrediction "$model" >/dev/null 2>&1  # make sure the warm cache is warm
: > "$work/cold"; : > "$work/warm"
for i in $(seq "$runs"); do
  cache="$(mktemp -d "$work/cache.XXXX")"
  line=$(run "$cache"); echo "cold $i: $line"; echo "$line" | sed 's/.*wall_ms=//' >> "$work/cold"
  rm -rf "$cache"
  line=$(run "$HOME/.javacpp/cache"); echo "warm $i: $line"; echo "$line" | sed 's/.*wall_ms=//' >> "$work/warm"
done
cold=$(median < "$work/cold"); warm=$(median < "$work/warm")
echo "median wall time, process start to first prediction and exit: cold ${cold} ms, warm ${warm} ms, cold/warm $(awk -v c="$cold" -v w="$warm" 'BEGIN {printf "%.1f", c / w}')x"
