#!/usr/bin/env bash
# Loads `guild serve` (TensorFlow Serving's REST API in the JVM) with wrk on loopback: requests/s
# and p50/p99 latency at 1, 8 and 64 connections, with server-side batching off and on, beside the
# same model called in-process (SavedModel calls from as many threads) in the same run, so the HTTP
# overhead shows as a ratio. Two models:
#   half_plus_two   predict {"instances": [1.0, 2.0, 5.0]}  (TensorFlow Serving's test model)
#   convnet         predict one real Fashion-MNIST test image (row form, uint8 28x28 as nested
#                   lists) with the Fashion-MNIST convnet; in-process: Classifier on the same image
# Not a test. Usage: examples/bench/serve-wrk.sh [SECONDS per run, default 5] [CONVNET]
# CONVNET: a trained convnet's SavedModel folder (an installed model package's folder, or a
# training run's runs/ID/model); without it the script trains fashion-mnist-convnet-src briefly (guild init/train
# --steps 200, about a minute) in a temporary Guild home. Needs wrk and Debian's Fashion-MNIST.
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/prelude.sh"
script=serve-wrk.sh
source "$bench_dir/serve-common.sh"
secs="${1:-5}"
convnet="${2:-}"
tf_classpath
javac -d "$work/classes" -cp "$cp" "$root/examples/bench/InProcessPredict.java"

convnet_model

# $1: model label, $2: model folder, $3: expected-answer regex of curl's reply, $4: wrk body,
# $5...: extra java flags for the in-process run
bench() {
  local model="$1" dir="$2" expect="$3" body="$4"; shift 4
  echo "== $model: in-process, ${secs}s per run"
  java "$@" -cp "$work/classes:$cp" InProcessPredict "$dir" "$secs" "${conns[@]}" 2>/dev/null \
    | sed "s/^inprocess /$model-inprocess /" | tee -a "$work/results"
  [[ -n "$expect" ]] || expect="\"classes\": *$(sed -n 's/^class=//p' "$work/results" | tail -1)[,}]"
  for label in batching-off batching-on; do
    local flags=()
    [[ "$label" == batching-on ]] && flags=(--batching)
    serve_and_load "$model" "$dir" "$expect" "$body" "$label" "${flags[@]}"
  done
}

# $1: model label, $2: folder, $3: expected answer regex, $4: body, $5: run label, $6...: guild serve flags
serve_and_load() {
  local model="$1" dir="$2" expect="$3" body="$4" label="$5"; shift 5
  : >"$work/server.out"   # exists before the background job opens it
  java -cp "$cp" org.guildpkg.cli.GuildCli serve "$dir" --port 0 --name "$model" "$@" \
    >"$work/server.out" 2>"$work/server.err" &
  server_pid=$!
  local url
  await_server
  local endpoint="$url/v1/models/$model:predict" reply
  reply="$(curl -sS -H 'Content-Type: application/json' -d "$body" "$endpoint")"
  grep -Eq "$expect" <<<"$reply" \
    || { echo "serve-wrk.sh: $endpoint answered ${reply:0:300}, expected /$expect/" >&2; exit 1; }
  WRK_BODY="$body" wrk -t1 -c8 -d1s -s "$root/examples/bench/serve-wrk.lua" "$endpoint" >/dev/null   # warm up
  echo "== $model: HTTP, $label: wrk ${secs}s per run against $endpoint"
  for c in "${conns[@]}"; do
    local line threads=$(( c < 2 ? 1 : 2 ))
    line="$(WRK_BODY="$body" wrk -t"$threads" -c"$c" -d"${secs}s" -s "$root/examples/bench/serve-wrk.lua" "$endpoint" | grep RESULT)"
    echo "$model-http-$label c=$c $line" | tee -a "$work/results"
  done
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
}

bench half_plus_two "$half_plus_two" '"predictions": *\[2\.5, *3\.0, *4\.5\]' '{"instances": [1.0, 2.0, 5.0]}'
bench convnet "$convnet" "" "$convnet_body" -Dimages="$images"

echo
echo "summary (HTTP vs in-process at the same concurrency; rps ratio < 1 is the HTTP + JSON cost):"
printf "%-14s %-22s %5s %10s %9s %9s %10s %10s\n" model run conns req/s p50_ms p99_ms rps/inproc p50/inproc
for model in half_plus_two convnet; do
  for c in "${conns[@]}"; do
    base="$(grep "^$model-inprocess c=$c " "$work/results")"
    b_rps="$(field rps "$base")"; b_p50="$(field p50_ms "$base")"
    printf "%-14s %-22s %5s %10s %9s %9s %10s %10s\n" "$model" in-process "$c" "$b_rps" "$b_p50" \
      "$(field p99_ms "$base")" 1.00 1.0
    for label in batching-off batching-on; do
      line="$(grep "^$model-http-$label c=$c " "$work/results")"
      rps="$(field rps "$line")"; p50="$(field p50_ms "$line")"
      printf "%-14s %-22s %5s %10s %9s %9s %10s %10s\n" "$model" "http $label" "$c" "$rps" "$p50" \
        "$(field p99_ms "$line")" \
        "$(awk -v a="$rps" -v b="$b_rps" 'BEGIN {printf "%.2f", a / b}')" \
        "$(awk -v a="$p50" -v b="$b_p50" 'BEGIN {printf "%.1f", (b > 0 ? a / b : 0)}')"
      errors="$(field errors "$line")"
      [[ "$errors" == "0" ]] || echo "  ($model $label at c=$c: $errors errors)"
    done
  done
done
