#!/usr/bin/env bash
# Benchmark: inception-v1-src trained from scratch on the cifar10 package for a few epochs.
# Reports examples/s while training, the wall time, and the test accuracy on the 10,000 test images.
#   examples/bench/inception-cifar10.sh [EPOCHS] [WIDTH]      (defaults 2 and 0.25)
# Needs CIFAR-10-images-d7d0561.tar.gz on GUILD_SOURCES (see docs/sources.md).
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/prelude.sh"
epochs="${1:-2}"
width="${2:-0.25}"
home="$work/home"
machine_note
"$root/guild" --home "$home" package "$root/examples/packages/cifar10" --output "$work/out" >/dev/null
"$root/guild" --home "$home" install "$work/out/cifar10-1.0.pkg.tar.zst" >/dev/null
"$root/guild" --home "$home" init --template "$root/examples/packages/inception-v1-src" "$work/p" >/dev/null
start=$(date +%s)
"$root/guild" --home "$home" train -C "$work/p" --epochs "$epochs" --flag "width=$width" 2>/dev/null
trained=$(date +%s)
"$root/guild" --home "$home" evaluate -C "$work/p" --json > "$work/metrics.json"
python3 - "$work/metrics.json" "$epochs" "$width" "$((trained - start))" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
print(f"inception-v1-src width {sys.argv[3]}, {sys.argv[2]} epoch(s) of cifar10: training {sys.argv[4]} s, "
      f"test accuracy {m['accuracy']:.4f} on {m['examples']} images")
PY
