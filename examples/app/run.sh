#!/usr/bin/env bash
# CI step for the example app (issue 7): after `mvn -B install` in the repository root, set up a
# Guild home with fashion-mnist and a BRIEFLY trained convnet (STEPS optimizer steps, default 300:
# a full training takes minutes on 2 cores), put the model's archive where the example model tests
# look (examples/target/archives), then build the app by coordinates and run it.
# Usage: examples/app/run.sh [WORKDIR]      (prints the app's output; exit 1 on any failure)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="${1:-$(mktemp -d)}"
steps="${STEPS:-300}"
export GUILD_HOME="$work/home"
export TF_CPP_MIN_LOG_LEVEL=2
guild="$root/guild"
archives="$root/examples/target/archives"
mkdir -p "$archives" "$GUILD_HOME"

data_archive="$("$guild" package "$root/examples/packages/fashion-mnist" --output "$work/out" | tail -1)"
"$guild" install "$data_archive"

# Train the convnet source package briefly and package the run as fashion-mnist-convnet+fashion-mnist.
"$guild" init --template "$root/examples/packages/fashion-mnist-convnet-src" "$work/convnet"
(cd "$work/convnet" && "$guild" train --steps "$steps")
model_archive="$("$guild" package "$work/convnet/runs/1" --output "$work/out" | tail -1)"
"$guild" install "$model_archive"
cp "$model_archive" "$archives/"

mvn -B -q -f "$root/examples/app/pom.xml" package exec:exec
