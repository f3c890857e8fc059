#!/usr/bin/env bash
# CI step for the notebook (issue 7): after `mvn -B install` in the repository root, set up a Guild
# home with fashion-mnist and a briefly trained softmax model package, build the test kernel
# (examples/jupyter-kernel), execute quickstart.ipynb headless with it, and check the outputs:
# no cell error, the Fashion-MNIST class names, PNG images and HTML tables.
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
  "env": {"TF_CPP_MIN_LOG_LEVEL": "2", "GUILD_HOME": "$GUILD_HOME", "GUILD_OFFLINE": "1"}
}
JSON

echo "run-notebook: executing quickstart.ipynb" >&2
executed="$work/quickstart.executed.ipynb"
nb_start=$SECONDS
JUPYTER_PATH="$work/jupyter" jupyter nbconvert --to notebook --execute \
  --ExecutePreprocessor.timeout=600 --ExecutePreprocessor.kernel_name=java \
  --output-dir "$work" --output "$(basename "$executed")" "$root/examples/notebooks/quickstart.ipynb"
nb_seconds=$((SECONDS - nb_start))

python3 - "$executed" <<'PY'
import json, sys
nb = json.load(open(sys.argv[1]))
classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
text, pngs, htmls, errors = [], 0, 0, []
for cell in nb["cells"]:
    for out in cell.get("outputs", []):
        if out["output_type"] == "error":
            errors.append(out["ename"] + ": " + out["evalue"])
        if out["output_type"] == "stream":
            text.append("".join(out["text"]))
        for mime, data in out.get("data", {}).items():
            if mime == "image/png":
                pngs += 1
            if mime == "text/html":
                htmls += 1
            elif mime.startswith("text/"):
                text.append("".join(data) if isinstance(data, list) else data)
all_text = "\n".join(text)
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
print("run-notebook: %d cells ran, %d PNG and %d HTML outputs, all 10 class names shown" % (len(nb["cells"]), pngs, htmls))
PY
echo "run-notebook: ok; the notebook took ${nb_seconds}s, everything $((SECONDS - start))s ($executed)"
