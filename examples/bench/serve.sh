#!/usr/bin/env bash
# In-process vs gRPC vs REST for `guild serve`, in one run, for half_plus_two and the Fashion-MNIST
# convnet: requests/s, p50/p99 and the CPU (cores) the server and the load generator took, at 1, 8
# and 64 concurrent callers, and each protocol's requests/s as a ratio of in-process.
#   in-process  SavedModel calls from N threads (InProcessPredict), once per model
#   gRPC        TensorFlow Serving's Predict, N calls in flight on one connection (GrpcLoad, async)
#   REST        wrk with N connections
#   status      (half_plus_two only) wrk GETs /v1/models/half_plus_two with N connections: the HTTP
#               server and JSON without a TensorFlow call, the ceiling of any REST predict path,
#               as a ratio of in-process predict
# gRPC and REST run once per server setting in SERVES (default "off= batching=--batching"): a
# space-separated list of LABEL=FLAGS, FLAGS being extra `guild serve` flags separated by commas
# (e.g. "b32=--batching,--max-batch-size=32"), each a fresh server, all against the same in-process
# baseline. Every run warms up first (WARMUP seconds, default 60: the gRPC path is thousands of
# methods the JIT compiles, and on a busy machine that takes tens of seconds). With the first
# setting, also REST at 64 connections again with 64 slow clients held open beside wrk
# (SlowClients: partial request lines and headers, stalled chunked bodies, TLS hellos, Expect:
# 100-continue without a body), against the same run without them.
#   half_plus_two  x = 1, 2, 5 (TensorFlow Serving's test model)
#   convnet        Fashion-MNIST test image 0; CONVNET is a trained convnet's SavedModel folder; without
#                  it the script trains fashion-mnist-convnet-src briefly (200 steps) in a temporary home
# Not a test; the machine's other load shows in the figures (the load average is printed), and the
# load generators share the CPU with the server: their share is in the client_cores column.
# Needs wrk and Debian's Fashion-MNIST (dataset-fashion-mnist).
# Usage: [SERVES="LABEL=FLAGS ..."] examples/bench/serve.sh [SECONDS per run, default 5] [CONVNET]
#        [WARMUP seconds, default 60]
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/prelude.sh"
script=serve.sh
source "$bench_dir/serve-common.sh"
secs="${1:-5}"
convnet="${2:-}"
warmup="${3:-60}"
"$root/guild" --version >/dev/null   # builds the modules (guild-grpc included) when needed
cp="$root/grpc/target/classes:$root/tf-runtime/target/classes:$root/core/target/classes:$(cat "$root/grpc/target/guild.classpath")"
javac -d "$work/classes" -cp "$cp" "$bench_dir/InProcessPredict.java" "$bench_dir/GrpcLoad.java" \
  "$bench_dir/SlowClients.java"

convnet_model

read -r -a serves <<<"${SERVES-off= batching=--batching}"
for serve in "${serves[@]}"; do
  [[ "$serve" =~ ^[A-Za-z0-9_-]+= ]] || { echo "$script: SERVES entry '$serve' is not LABEL=FLAGS" >&2; exit 1; }
done
(( ${#serves[@]} )) || { echo "$script: SERVES is empty; give at least one LABEL=FLAGS" >&2; exit 1; }

# Starts `guild serve` for model $1 (label), folder $2, with the extra flags $3 (comma-separated);
# sets server_pid, url (the REST root) and grpc (the gRPC port)
start_server() {
  local flags=()
  [[ -n "$3" ]] && IFS=, read -r -a flags <<<"$3"
  : >"$work/server.out"
  java -cp "$cp" org.guildpkg.cli.GuildCli serve "$2" --port 0 --grpc-port 0 --name "$1" "${flags[@]}" \
    >"$work/server.out" 2>"$work/server.err" &
  server_pid=$!
  url="" grpc=""
  for _ in $(seq 600); do
    url="$(sed -n 's/^listening on \(http:[^ ;]*\).*/\1/p' "$work/server.out")"
    grpc="$(sed -n 's/^gRPC on [^:]*:\([0-9]*\)$/\1/p' "$work/server.out")"
    [[ -n "$url" && -n "$grpc" ]] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.err" >&2; exit 1; }
    sleep 0.1
  done
  [[ -n "$url" && -n "$grpc" ]] || { echo "$script: the server did not start" >&2; exit 1; }
}

# $1: model label, $2: SavedModel folder, $3: REST body, $4...: java flags for in-process and gRPC
run() {
  local model="$1" dir="$2" body="$3"; shift 3
  echo "== $model: in-process, ${warmup}s warm-up, ${secs}s per run (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
  java "$@" -Dwarmup="$warmup" -cp "$work/classes:$cp" InProcessPredict "$dir" "$secs" "${conns[@]}" 2>/dev/null \
    | grep RESULT | sed "s/^inprocess /$model-inprocess /" | tee -a "$work/results"
  local serve label flags first=1
  for serve in "${serves[@]}"; do
    label="${serve%%=*}" flags="${serve#*=}"
    start_server "$model" "$dir" "$flags"
    echo "== $model, server $label (guild serve flags: ${flags:-none}; $(grep -m1 '^listening' "$work/server.out"))"
    echo "== $model/$label: gRPC, ${warmup}s warm-up, ${secs}s per run against port $grpc (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
    java "$@" -Dserver.pid="$server_pid" -cp "$work/classes:$cp" GrpcLoad 127.0.0.1 "$grpc" "$model" \
        "$secs" "$warmup" "${conns[@]}" 2>/dev/null \
      | grep RESULT | sed "s/^grpc /$model-grpc:$label /" | tee -a "$work/results"
    local endpoint="$url/v1/models/$model:predict"
    echo "== $model/$label: REST, ${warmup}s warm-up, wrk ${secs}s per run against $endpoint (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
    WRK_BODY="$body" wrk -t2 -c64 -d"${warmup}s" -s "$bench_dir/serve-wrk.lua" "$endpoint" >/dev/null
    for c in "${conns[@]}"; do
      echo "$model-rest:$label c=$c $(wrk_run "$endpoint" "$c" "$secs" "$body")" | tee -a "$work/results"
    done
    if [[ "$model" == half_plus_two && -n "$first" ]]; then
      local status="$url/v1/models/$model" status_warmup=$(( warmup < 10 ? warmup : 10 ))
      echo "== $model/$label: status ceiling, ${status_warmup}s warm-up, wrk GET ${secs}s per run against $status (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
      WRK_BODY="" wrk -t2 -c64 -d"${status_warmup}s" -s "$bench_dir/serve-wrk.lua" "$status" >/dev/null
      for c in "${conns[@]}"; do
        echo "$model-status c=$c $(wrk_run "$status" "$c" "$secs" "")" | tee -a "$work/results"
      done
      local port="${url##*:}"
      mkfifo "$work/hold"
      java -cp "$work/classes" SlowClients 127.0.0.1 "$port" 64 <"$work/hold" >"$work/slow.out" &
      local slow_pid=$!
      exec 9>"$work/hold"
      for _ in $(seq 300); do grep -q holding "$work/slow.out" && break; sleep 0.1; done
      echo "== $model/$label: REST at 64 connections beside 64 slow clients ($(cat "$work/slow.out"))"
      echo "$model-rest-slow64 c=64 $(wrk_run "$endpoint" 64 "$secs" "$body")" | tee -a "$work/results"
      exec 9>&-
      wait "$slow_pid" 2>/dev/null || true
    fi
    kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
    first=""
  done
}

machine_note
echo "servers (SERVES): $(for serve in "${serves[@]}"; do f="${serve#*=}"; printf '%s: %s. ' "${serve%%=*}" "${f:-no extra flags}"; done)"
echo "seconds per run: $secs, warm-up: ${warmup}s, convnet: $convnet"
run half_plus_two "$half_plus_two" '{"instances": [1.0, 2.0, 5.0]}'
run convnet "$convnet" "$convnet_body" -Dimages="$images"

echo
echo "summary (ratio: requests/s against in-process predict at the same concurrency; status: GET"
echo "/v1/models/half_plus_two, no TensorFlow call; cores: CPU taken by the server (in-process: the"
echo "whole process) and by the load generator; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)):"
runs=(inprocess)
for serve in "${serves[@]}"; do runs+=("grpc:${serve%%=*}"); done
for serve in "${serves[@]}"; do runs+=("rest:${serve%%=*}"); done
row() { printf "%-14s %-18s %5s %10s %9s %9s %7s %8s %8s\n" "$@"; }
row model run conns req/s p50_ms p99_ms ratio server client
for model in half_plus_two convnet; do
  model_runs=("${runs[@]}")
  [[ "$model" == half_plus_two ]] && model_runs+=(status)
  for c in "${conns[@]}"; do
    b_rps="$(field rps "$(grep "^$model-inprocess c=$c " "$work/results")")"
    for run in "${model_runs[@]}"; do
      line="$(grep "^$model-$run c=$c " "$work/results" || true)"
      [[ -n "$line" ]] || { echo "  ($model $run at c=$c: no result)"; continue; }
      row "$model" "$run" "$c" "$(field rps "$line")" \
        "$(field p50_ms "$line")" "$(field p99_ms "$line")" \
        "$(awk -v a="$(field rps "$line")" -v b="$b_rps" 'BEGIN {printf "%.2f", a / b}')" \
        "$(field server_cores "$line")" "$(field client_cores "$line")"
      errors="$(field errors "$line")"
      [[ "$errors" == "0" ]] || echo "  ($model $run at c=$c: $errors errors)"
    done
  done
done
line="$(grep "^half_plus_two-rest-slow64 " "$work/results")"
base="$(grep "^half_plus_two-rest:${serves[0]%%=*} c=64 " "$work/results")"
printf "%-14s %-18s %5s %10s %9s %9s %7s\n" half_plus_two "rest+64 slow" 64 "$(field rps "$line")" \
  "$(field p50_ms "$line")" "$(field p99_ms "$line")" \
  "$(awk -v a="$(field rps "$line")" -v b="$(field rps "$base")" 'BEGIN {printf "%.2f", a / b}') of rest:${serves[0]%%=*}"
