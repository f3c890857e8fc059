# Sourced by every benchmark script here (examples/bench/*.sh), so they start the same way:
#   source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/prelude.sh"
# Sets: root (the repository), bench_dir (this folder), work (a temporary folder removed on exit;
# a script with more to clean up defines bench_cleanup_extra), FASHION_MNIST (Debian's
# Fashion-MNIST folder unless set), TF_CPP_MIN_LOG_LEVEL=2. Functions: tf_classpath (builds core
# and tf-runtime once, through ./guild, and sets cp), machine_note (the line every report starts
# with: benchmarks here run on shared machines, so only ratios measured in the same run count).
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
bench_dir="$root/examples/bench"
export TF_CPP_MIN_LOG_LEVEL=2
FASHION_MNIST="${FASHION_MNIST:-/usr/share/datasets/fashion-mnist}"
work="$(mktemp -d "${TMPDIR:-/tmp}/guild-bench.XXXXXX")"

bench_cleanup_extra() { :; }
bench_cleanup() { bench_cleanup_extra; rm -rf "$work"; }
trap bench_cleanup EXIT

tf_classpath() {
  "$root/guild" --version >/dev/null   # builds the modules and the class path file when needed
  cp="$root/tf-runtime/target/classes:$root/core/target/classes:$(cat "$root/tf-runtime/target/guild.classpath")"
}

machine_note() {
  echo "cores: $(nproc) (shared machine: figures vary with other load; compare ratios from one run)"
}
