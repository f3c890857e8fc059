#!/usr/bin/env bash
# Benchmark: transfer learning from mobilenet-v2+ilsvrc2012 to CIFAR-10 (issue 13).
#   examples/bench/transfer-cifar10.sh [--flag NAME=VALUE ...]
# Builds and installs the cifar10 and mobilenet-v2+ilsvrc2012 packages from the source search path
# (GUILD_SOURCES must hold CIFAR-10-images-d7d0561.tar.gz and the mobilenet/labels files), then
# retrains on the full train split (50,000 images) and scores on the 10,000 test images, three times:
#   baseline       a linear softmax head on the parent's 1,280 pooled features, no mirror images
#                  (features=pooled, mirror=false, hidden=0)
#   spatial linear a linear head on the default features (the last map on a 2x2 grid and three
#                  earlier blocks' averages, 5,696 values), answering with each test image's and its
#                  mirror image's average (features=spatial, mirror=true, hidden=0)
#   spatial hidden the default head (1024 ReLU units, dropout 0.5) on them, with the flags given
# Reports the feature extraction rate (images/s), each head's training time and test accuracy (and
# without the mirror images), and each accuracy as a ratio of the baseline's.
# The features are cached in the Guild home: set TRANSFER_HOME to a folder that outlives the run to
# reuse them in a later run (without it, the home is temporary and the next run extracts again).
# TRAIN_EXAMPLES=N trains both heads on the train split's first N images only (default: all 50,000).
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/prelude.sh"
home="${TRANSFER_HOME:-$work/home}"
limit="${TRAIN_EXAMPLES:-0}"
machine_note
if ! "$root/guild" --home "$home" info cifar10 >/dev/null 2>&1; then
  "$root/guild" --home "$home" package "$root/examples/packages/cifar10" --output "$work/out" >/dev/null
  "$root/guild" --home "$home" install "$work/out/cifar10-1.0.pkg.tar.zst" >/dev/null
fi
if ! "$root/guild" --home "$home" info mobilenet-v2+ilsvrc2012 >/dev/null 2>&1; then
  "$root/guild" --home "$home" package "$root/examples/packages/mobilenet-v2+ilsvrc2012" --output "$work/out" >/dev/null
  "$root/guild" --home "$home" install "$work/out/mobilenet-v2+ilsvrc2012-1.0.pkg.tar.zst" >/dev/null
fi
report() {
  python3 - "$1" "$2" <<'PY'
import json, sys
o = json.load(open(sys.argv[1])); m = o["metrics"]
import pathlib
o["train_examples"] = json.load(open(pathlib.Path(o["model"]).parent / "run.json"))["feature_cache"]["train_examples"]
line = (f"{sys.argv[2]}, {o['train_examples']} train images: test accuracy {m['accuracy']:.4f} on {m['examples']} images")
if "accuracy_without_mirror" in m:
    line += f" ({m['accuracy_without_mirror']:.4f} without the mirror images)"
line += f"; head {m['steps']} steps in {m['head_seconds']:.1f} s ({m['examples_per_second']:.0f} examples/s)"
if "extraction_images_per_second" in m:
    line += f"; features of {m['extracted_images']} images at {m['extraction_images_per_second']:.1f} images/s"
else:
    line += "; features from the cache"
print(line)
PY
}
train() {
  local out="$1"; shift
  "$root/guild" --home "$home" train -C "$work/p" --model mobilenet-v2+ilsvrc2012 --dataset cifar10 \
    --flag "train_examples=$limit" "$@" --json -q > "$work/$out.json"
}
train baseline --flag features=pooled --flag mirror=false --flag hidden=0
report "$work/baseline.json" "baseline: linear head on pooled features"
train linear --flag hidden=0
report "$work/linear.json" "linear head on spatial features, with mirror images"
train hidden "$@"
report "$work/hidden.json" "hidden-layer head on spatial features, with mirror images ($*)"
python3 - "$work" <<'PY'
import json, sys
acc = {k: json.load(open(f"{sys.argv[1]}/{k}.json"))["metrics"]["accuracy"] for k in ("baseline", "linear", "hidden")}
print(f"accuracy / baseline: spatial linear {acc['linear'] / acc['baseline']:.3f}, spatial hidden {acc['hidden'] / acc['baseline']:.3f}")
PY
