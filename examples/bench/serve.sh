#!/usr/bin/env bash
# In-process vs gRPC vs REST for one `guild serve`, in one run: requests/s and p50/p99 at 1, 8 and 64
# concurrent callers. In-process: SavedModel calls from N threads (InProcessPredict); gRPC:
# TensorFlow Serving's Predict from N threads over one connection (GrpcLoad, ModelClient); REST:
# wrk with N connections. Then REST again at 64 connections with 64 slow clients held open beside
# wrk (SlowClients: partial request lines and headers, stalled chunked bodies, TLS hellos,
# Expect: 100-continue without a body), against the same run without them.
#   half_plus_two  x = 1, 2, 5 (TensorFlow Serving's test model)
#   convnet        one Fashion-MNIST test image, only when a trained convnet's SavedModel folder is
#                  given as CONVNET (serve-wrk.sh shows how to train one)
# Not a test; the machine's other load shows in the figures. Needs wrk (and Debian's
# Fashion-MNIST for the convnet). Usage: examples/bench/serve-grpc.sh [SECONDS, default 5] [CONVNET]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
secs="${1:-5}"
convnet="${2:-}"
conns=(1 8 64)
half_plus_two="$root/testdata/tf-serving/saved_model_half_plus_two_cpu/00000123"
images="${FASHION_MNIST:-/usr/share/datasets/fashion-mnist}/t10k-images-idx3-ubyte.gz"
command -v wrk >/dev/null || { echo "serve-grpc.sh: wrk is not installed (apt-get install wrk)" >&2; exit 1; }
"$root/guild" --version >/dev/null   # builds the modules (guild-grpc included) when needed
cp="$root/grpc/target/classes:$root/tf-runtime/target/classes:$root/core/target/classes:$(cat "$root/grpc/target/guild.classpath")"
work="$(mktemp -d)"
server_pid=""
cleanup() { [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
export TF_CPP_MIN_LOG_LEVEL=2
javac -d "$work/classes" -cp "$cp" "$root/examples/bench/InProcessPredict.java" \
  "$root/examples/bench/GrpcLoad.java" "$root/examples/bench/SlowClients.java"

field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" <<<"$2"; }

# $1: model label, $2: SavedModel folder, $3: REST body, $4...: java flags for in-process and gRPC
run() {
  local model="$1" dir="$2" body="$3"; shift 3
  echo "== $model: in-process, ${secs}s per run"
  java "$@" -cp "$work/classes:$cp" InProcessPredict "$dir" "$secs" "${conns[@]}" 2>/dev/null \
    | grep RESULT | sed "s/^inprocess /$model-inprocess /" | tee -a "$work/results"
  : >"$work/server.out"
  java -cp "$cp" org.guildpkg.cli.GuildCli serve "$dir" --port 0 --grpc-port 0 --name "$model" \
    >"$work/server.out" 2>"$work/server.err" &
  server_pid=$!
  local url="" grpc=""
  for _ in $(seq 600); do
    url="$(sed -n 's/^listening on \(http:[^ ;]*\).*/\1/p' "$work/server.out")"
    [[ -n "$url" ]] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.err" >&2; exit 1; }
    sleep 0.1
  done
  [[ -n "$url" ]] || { echo "serve-grpc.sh: the server did not start" >&2; exit 1; }
  grpc="$(sed -n 's/^gRPC on [^:]*:\([0-9]*\)$/\1/p' "$work/server.out")"
  echo "== $model: gRPC, ${secs}s per run against port $grpc"
  java "$@" -cp "$work/classes:$cp" GrpcLoad 127.0.0.1 "$grpc" "$model" "$secs" "${conns[@]}" 2>/dev/null \
    | grep RESULT | sed "s/^grpc /$model-grpc /" | tee -a "$work/results"
  local endpoint="$url/v1/models/$model:predict"
  WRK_BODY="$body" wrk -t1 -c8 -d1s -s "$root/examples/bench/serve-wrk.lua" "$endpoint" >/dev/null
  echo "== $model: REST, wrk ${secs}s per run against $endpoint"
  for c in "${conns[@]}"; do
    local line threads=$(( c < 2 ? 1 : 2 ))
    line="$(WRK_BODY="$body" wrk -t"$threads" -c"$c" -d"${secs}s" -s "$root/examples/bench/serve-wrk.lua" "$endpoint" | grep RESULT)"
    echo "$model-rest c=$c $line" | tee -a "$work/results"
  done
  if [[ "$model" == half_plus_two ]]; then
    local port="${url##*:}"
    mkfifo "$work/hold"
    java -cp "$work/classes" SlowClients 127.0.0.1 "$port" 64 <"$work/hold" >"$work/slow.out" &
    local slow_pid=$!
    exec 9>"$work/hold"
    for _ in $(seq 300); do grep -q holding "$work/slow.out" && break; sleep 0.1; done
    echo "== $model: REST at 64 connections beside 64 slow clients ($(cat "$work/slow.out"))"
    line="$(WRK_BODY="$body" wrk -t2 -c64 -d"${secs}s" -s "$root/examples/bench/serve-wrk.lua" "$endpoint" | grep RESULT)"
    echo "$model-rest-slow64 c=64 $line" | tee -a "$work/results"
    exec 9>&-
    wait "$slow_pid" 2>/dev/null || true
  fi
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
}

run half_plus_two "$half_plus_two" '{"instances": [1.0, 2.0, 5.0]}'
models=(half_plus_two)
if [[ -n "$convnet" ]]; then
  image_json="$({ zcat "$images" 2>/dev/null || true; } | head -c 800 | tail -c 784 | od -An -tu1 -v \
    | awk '{for (i = 1; i <= NF; i++) p[n++] = $i}
           END {for (r = 0; r < 28; r++) {s = s (r ? "," : "") "["; for (c = 0; c < 28; c++) s = s (c ? "," : "") p[r*28+c]; s = s "]"}; print s}')"
  run convnet "$convnet" "{\"instances\": [{\"image\": [$image_json]}]}" -Dimages="$images"
  models+=(convnet)
fi

echo
echo "summary (ratio: requests/s against in-process at the same concurrency):"
printf "%-14s %-14s %5s %10s %9s %9s %7s\n" model run conns req/s p50_ms p99_ms ratio
for model in "${models[@]}"; do
  for c in "${conns[@]}"; do
    b_rps="$(field rps "$(grep "^$model-inprocess c=$c " "$work/results")")"
    for run in inprocess grpc rest; do
      line="$(grep "^$model-$run c=$c " "$work/results")"
      printf "%-14s %-14s %5s %10s %9s %9s %7s\n" "$model" "$run" "$c" "$(field rps "$line")" \
        "$(field p50_ms "$line")" "$(field p99_ms "$line")" \
        "$(awk -v a="$(field rps "$line")" -v b="$b_rps" 'BEGIN {printf "%.2f", a / b}')"
      errors="$(field errors "$line")"
      [[ "$errors" == "0" ]] || echo "  ($model $run at c=$c: $errors errors)"
    done
  done
done
line="$(grep "^half_plus_two-rest-slow64 " "$work/results")"
base="$(grep "^half_plus_two-rest c=64 " "$work/results")"
printf "%-14s %-14s %5s %10s %9s %9s %7s\n" half_plus_two "rest+64 slow" 64 "$(field rps "$line")" \
  "$(field p50_ms "$line")" "$(field p99_ms "$line")" \
  "$(awk -v a="$(field rps "$line")" -v b="$(field rps "$base")" 'BEGIN {printf "%.2f", a / b}') of rest"
