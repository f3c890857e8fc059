#!/usr/bin/env bash
# CI step for the notebook (issue 7): after `mvn -B install` in the repository root, set up a Guild
# home with fashion-mnist and a briefly trained softmax model package, build the test kernel
# (examples/jupyter-kernel), execute quickstart.ipynb headless with it, and check the outputs:
# no cell error, the Fashion-MNIST class names, PNG images and HTML tables. Then, when the MobileNet
# v2 file and the four photos are on the source search path (GUILD_SOURCES), build and install the
# mobilenet-v2+ilsvrc2012 package and execute imagenet.ipynb the same way, checking each photo's
# top-1 class; without them that notebook is skipped with the reason.
# Needs: java 17, mvn, Debian's jupyter-nbconvert and jupyter-client, python3.
# Usage: examples/notebooks/run-notebook.sh [WORKDIR]   (exit 1 on any failure)
#   STEPS (default 300): optimizer steps of the model package trained before the notebook runs.
#   MAVEN_OPTS applies to every Maven call, including the kernel's %maven (e.g. -Dmaven.repo.local=DIR).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="${1:-$(mktemp -d)}"
mkdir -p "$work"
work="$(cd "$work" && pwd)"
steps="${STEPS:-300}"
export GUILD_HOME="$work/home"
export TF_CPP_MIN_LOG_LEVEL=2
guild="$root/guild"
start=$SECONDS
mkdir -p "$GUILD_HOME"

echo "run-notebook: preparing $GUILD_HOME" >&2
data_archive="$("$guild" package "$root/examples/packages/fashion-mnist" --output "$work/out" | tail -1)"
"$guild" install "$data_archive" >/dev/null
"$guild" init --template "$root/examples/packages/fashion-mnist-softmax-src" "$work/softmax" >/dev/null
(cd "$work/softmax" && "$guild" train --steps "$steps" >/dev/null)
model_archive="$("$guild" package "$work/softmax/runs/1" --output "$work/out" | tail -1)"
"$guild" install "$model_archive" >/dev/null

echo "run-notebook: building the test kernel" >&2
kernel="$root/examples/jupyter-kernel/target"
mvn -B -q -f "$root/examples/jupyter-kernel/pom.xml" package
# A kernel spec named "java", as IJava's, in a Jupyter path of our own: the notebook's kernelspec
# finds it, and no installed kernel is touched.
mkdir -p "$work/jupyter/kernels/java"
cat > "$work/jupyter/kernels/java/kernel.json" <<JSON
{
  "argv": ["java", "-Xmx3g", "-Djava.awt.headless=true",
           "-cp", "$kernel/guild-test-kernel.jar:$kernel/lib/*",
           "org.guildpkg.examples.jupyter.TestKernel", "{connection_file}"],
  "display_name": "Java (Guild test kernel)",
  "language": "java",
  "env": {"TF_CPP_MIN_LOG_LEVEL": "2", "GUILD_HOME": "$GUILD_HOME", "GUILD_OFFLINE": "1",
          "GUILD_PHOTOS": "$work/photos"}
}
JSON

echo "run-notebook: executing quickstart.ipynb" >&2
executed="$work/quickstart.executed.ipynb"
nb_start=$SECONDS
JUPYTER_PATH="$work/jupyter" jupyter nbconvert --to notebook --execute \
  --ExecutePreprocessor.timeout=600 --ExecutePreprocessor.kernel_name=java \
  --output-dir "$work" --output "$(basename "$executed")" "$root/examples/notebooks/quickstart.ipynb"
nb_seconds=$((SECONDS - nb_start))

python3 - "$executed" "$root/examples/notebooks" <<'PY'
import sys
sys.path.insert(0, sys.argv[2])
from notebook_outputs import read
classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
cells, all_text, pngs, htmls, errors = read(sys.argv[1])
missing = [c for c in classes if c not in all_text]
problems = []
if errors:
    problems.append("cell errors: " + "; ".join(errors))
if missing:
    problems.append("class names missing from the outputs: " + ", ".join(missing))
if pngs < 3:
    problems.append("expected at least 3 image/png outputs (image grids, loss plot), found %d" % pngs)
if htmls < 2:
    problems.append("expected at least 2 text/html outputs (dataset and signature tables), found %d" % htmls)
if problems:
    sys.exit("run-notebook: " + sys.argv[1] + ": " + "; ".join(problems))
print("run-notebook: %d cells ran, %d PNG and %d HTML outputs, all 10 class names shown" % (cells, pngs, htmls))
PY
echo "run-notebook: ok; the notebook took ${nb_seconds}s, everything $((SECONDS - start))s ($executed)"

# The ImageNet notebook (imagenet.ipynb) needs the MobileNet v2 file and the photos, large upstream
# files found on the source search path (GUILD_SOURCES, docs/sources.md) by name and sha256.
find_source() {  # NAME SHA256: the path of the file on GUILD_SOURCES, or nothing
  local dir
  IFS=: read -ra dirs <<< "${GUILD_SOURCES:-}"
  for dir in "${dirs[@]}"; do
    if [[ -n "$dir" && -f "$dir/$1" ]] && [[ "$(sha256sum "$dir/$1" | cut -d' ' -f1)" == "$2" ]]; then
      echo "$dir/$1"; return
    fi
  done
}
mkdir -p "$work/photos"
missing=""
while read -r name sha; do
  f="$(find_source "$name" "$sha")"
  if [[ -n "$f" ]]; then cp "$f" "$work/photos/"; else missing="$missing $name"; fi
done <<'LIST'
grace_hopper.bmp c43444bf3b1b1e3080551ca194bd231da4b67f20fc91454502915a6b806b614f
cat.bmp 34f235786382686111728287fd26d4c24dd8c25de8233469d6eeb301888ce0a9
parrot.jpg a8fba9e7e29439fa414c13129aad661f2289ff891231920a7c33641b076f1833
hot_dog.jpg ed6952e022eb71c0d0b1ff068dcee3abed056dfa1852f041c35f138c4ff15b2e
LIST
if [[ -z "$(find_source mobilenet_v2_1.0_224_quant.tflite 7aad0c74c5e3c06e5eb3c827e13304fdd68a83da6087d92ee169c24ff9fd4776)" ]]; then
  missing="$missing mobilenet_v2_1.0_224_quant.tflite"
fi
if [[ -n "$missing" ]]; then
  echo "run-notebook: imagenet.ipynb skipped: not on the source search path (GUILD_SOURCES):$missing" >&2
  exit 0
fi
echo "run-notebook: executing imagenet.ipynb" >&2
mobilenet_archive="$("$guild" package "$root/examples/packages/mobilenet-v2+ilsvrc2012" --output "$work/out" | tail -1)"
"$guild" install "$mobilenet_archive" >/dev/null
executed2="$work/imagenet.executed.ipynb"
nb_start=$SECONDS
JUPYTER_PATH="$work/jupyter" jupyter nbconvert --to notebook --execute \
  --ExecutePreprocessor.timeout=600 --ExecutePreprocessor.kernel_name=java \
  --output-dir "$work" --output "$(basename "$executed2")" "$root/examples/notebooks/imagenet.ipynb"
python3 - "$executed2" "$root/examples/notebooks" <<'PY'
import sys
sys.path.insert(0, sys.argv[2])
from notebook_outputs import read
cells, all_text, pngs, htmls, errors = read(sys.argv[1])
# Each photo's top-1 class, as the issue and an independent conversion of the model give them.
want = {"grace_hopper.bmp": "military uniform", "cat.bmp": "Egyptian cat", "parrot.jpg": "macaw",
        "hot_dog.jpg": "hotdog"}
problems = []
if errors:
    problems.append("cell errors: " + "; ".join(errors))
for photo, label in want.items():
    block = all_text.split(photo + ":", 1)
    first = block[1].strip().splitlines()[0] if len(block) == 2 and block[1].strip() else ""
    if label not in first:
        problems.append("%s: top-1 line is %r, expected %r" % (photo, first, label))
if pngs < 1:
    problems.append("no image/png output (the photo grid)")
if problems:
    sys.exit("run-notebook: " + sys.argv[1] + ": " + "; ".join(problems))
print("run-notebook: imagenet.ipynb: %d photos classified right (top-1), %d PNG outputs" % (len(want), pngs))
PY
echo "run-notebook: imagenet.ipynb ok in $((SECONDS - nb_start))s ($executed2)"
