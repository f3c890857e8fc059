#!/usr/bin/env bash
# Loads `guild serve` (TensorFlow Serving's REST API in the JVM) with wrk on loopback: requests/s
# and p50/p99 latency of half_plus_two predict ({"instances": [1.0, 2.0, 5.0]}) at 1, 8 and 64
# connections, with server-side batching off and on, beside the same model called in-process
# (SavedModel.predict from as many threads) in the same run, so the HTTP overhead shows as a ratio.
# Not a test. Usage: examples/bench/serve-wrk.sh [SECONDS per run, default 5]
# The Fashion-MNIST convnet is left out until the training stream's model package exists.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
secs="${1:-5}"
conns=(1 8 64)
model="$root/../shared/fixtures/tf-serving/saved_model_half_plus_two_cpu/00000123"
command -v wrk >/dev/null || { echo "serve-wrk.sh: wrk is not installed (apt-get install wrk)" >&2; exit 1; }
"$root/guild" --version >/dev/null   # builds the modules and the class path file when needed
cp="$root/tf-runtime/target/classes:$root/core/target/classes:$(cat "$root/tf-runtime/target/guild.classpath")"
work="$(mktemp -d)"
server_pid=""
cleanup() { [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
export TF_CPP_MIN_LOG_LEVEL=2
javac -d "$work/classes" -cp "$cp" "$root/examples/bench/InProcessPredict.java"

field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" <<<"$2"; }

echo "in-process: SavedModel.predict, ${secs}s per run"
java -cp "$work/classes:$cp" InProcessPredict "$model" "$secs" "${conns[@]}" 2>/dev/null | tee "$work/inprocess"

serve_and_load() { # $1: label, $2...: extra guild serve flags
  local label="$1"; shift
  : >"$work/server.out"   # exists before the background job opens it
  java -cp "$cp" org.guildpkg.cli.GuildCli serve "$model" --port 0 --name half_plus_two "$@" \
    >"$work/server.out" 2>"$work/server.err" &
  server_pid=$!
  local url=""
  for _ in $(seq 600); do   # up to 60 s for the JVM and the model to load
    url="$(sed -n 's/^listening on \(http:[^ ;]*\).*/\1/p' "$work/server.out")"
    [[ -n "$url" ]] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.err" >&2; exit 1; }
    sleep 0.1
  done
  [[ -n "$url" ]] || { echo "serve-wrk.sh: the server did not start" >&2; exit 1; }
  local endpoint="$url/v1/models/half_plus_two:predict"
  curl -sf -d '{"instances": [1.0, 2.0, 5.0]}' "$endpoint" | grep -q '"predictions":\[2.5,3.0,4.5\]' \
    || { echo "serve-wrk.sh: wrong answer from $endpoint" >&2; exit 1; }
  wrk -t1 -c8 -d1s -s "$root/examples/bench/serve-wrk.lua" "$endpoint" >/dev/null   # warm up
  echo "HTTP, $label: wrk ${secs}s per run against $endpoint"
  for c in "${conns[@]}"; do
    local line threads=$(( c < 2 ? 1 : 2 ))
    line="$(wrk -t"$threads" -c"$c" -d"${secs}s" -s "$root/examples/bench/serve-wrk.lua" "$endpoint" | grep RESULT)"
    echo "http-$label c=$c $line" | tee -a "$work/http"
  done
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
}
serve_and_load "batching-off"
serve_and_load "batching-on" --batching

echo
echo "summary (HTTP vs in-process at the same concurrency; rps ratio < 1 is the HTTP + JSON cost):"
printf "%-22s %5s %10s %9s %9s %10s %10s\n" run conns req/s p50_ms p99_ms rps/inproc p50/inproc
for c in "${conns[@]}"; do
  base="$(grep "c=$c " "$work/inprocess")"
  b_rps="$(field rps "$base")"; b_p50="$(field p50_ms "$base")"
  printf "%-22s %5s %10s %9s %9s %10s %10s\n" in-process "$c" "$b_rps" "$b_p50" "$(field p99_ms "$base")" 1.00 1.00
  for label in batching-off batching-on; do
    line="$(grep "http-$label c=$c " "$work/http")"
    rps="$(field rps "$line")"; p50="$(field p50_ms "$line")"
    printf "%-22s %5s %10s %9s %9s %10s %10s\n" "http $label" "$c" "$rps" "$p50" "$(field p99_ms "$line")" \
      "$(awk -v a="$rps" -v b="$b_rps" 'BEGIN {printf "%.2f", a / b}')" \
      "$(awk -v a="$p50" -v b="$b_p50" 'BEGIN {printf "%.1f", (b > 0 ? a / b : 0)}')"
    errors="$(field errors "$line")"
    [[ "$errors" == "0" ]] || echo "  ($label at c=$c: $errors errors)"
  done
done
