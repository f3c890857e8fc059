#!/usr/bin/env bash
# REST predict bodies read by the streaming fast path (FastPredict) against the JSON-tree path
# (-Dguild.serve.jsonTree=true), both as a ratio of in-process, in one run, for half_plus_two and
# the Fashion-MNIST convnet: requests/s, p50/p99 and the server's and wrk's CPU (cores) at 1, 8 and
# 64 wrk connections. Each server is warmed up with wrk first (WARMUP seconds, default 20).
# VARIANTS (optional, "label=java flags;label=java flags") adds variants run both in-process and
# as a REST server (fast path), e.g. VARIANTS="inter1=-Dguild.tf.interOpThreads=1"; their ratio
# is still against the plain in-process run.
# Not a test; the machine's other load shows in the figures (the load average is printed), and wrk
# shares the CPU with the server (client_cores).
# Needs wrk and Debian's Fashion-MNIST (dataset-fashion-mnist).
# Usage: examples/bench/serve-rest.sh [SECONDS per run, default 5] [CONVNET] [WARMUP, default 20]
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/prelude.sh"
script=serve-rest.sh
source "$bench_dir/serve-common.sh"
secs="${1:-5}"
convnet="${2:-}"
warmup="${3:-20}"
tf_classpath
javac -d "$work/classes" -cp "$cp" "$bench_dir/InProcessPredict.java"

convnet_model

# $1: label, $2: model, $3: folder, $4: body, $5: server java flags (words)
rest() {
  local label="$1" model="$2" dir="$3" body="$4" flags="$5"
  : >"$work/server.out"
  # shellcheck disable=SC2086
  java $flags -cp "$cp" org.guildpkg.cli.GuildCli serve "$dir" --port 0 --name "$model" \
    >"$work/server.out" 2>"$work/server.err" &
  server_pid=$!
  local url
  await_server
  local endpoint="$url/v1/models/$model:predict"
  echo "== $model: REST $label ($flags), ${warmup}s warm-up (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
  WRK_BODY="$body" wrk -t2 -c64 -d"${warmup}s" -s "$bench_dir/serve-wrk.lua" "$endpoint" >/dev/null
  for c in "${conns[@]}"; do
    echo "$model-$label c=$c $(wrk_run "$endpoint" "$c" "$secs" "$body")" | tee -a "$work/results"
  done
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
}

labels=(tree fast)
declare -A flag=([tree]="-Dguild.serve.jsonTree=true" [fast]="")
IFS=';' read -r -a extra <<<"${VARIANTS:-}"
for v in "${extra[@]}"; do
  [[ -z "$v" ]] && continue
  labels+=("${v%%=*}"); flag["${v%%=*}"]="${v#*=}"
done

# $1: model, $2: folder, $3: body, $4...: in-process java flags
run() {
  local model="$1" dir="$2" body="$3"; shift 3
  echo "== $model: in-process, ${warmup}s warm-up (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
  java "$@" -Dwarmup="$warmup" -cp "$work/classes:$cp" InProcessPredict "$dir" "$secs" "${conns[@]}" 2>/dev/null \
    | grep RESULT | sed "s/^inprocess /$model-inprocess /" | tee -a "$work/results"
  for l in "${labels[@]:2}"; do
    echo "== $model: in-process $l (${flag[$l]}), ${warmup}s warm-up (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
    # shellcheck disable=SC2086
    java "$@" ${flag[$l]} -Dwarmup="$warmup" -cp "$work/classes:$cp" InProcessPredict "$dir" "$secs" \
        "${conns[@]}" 2>/dev/null | grep RESULT | sed "s/^inprocess /$model-inprocess-$l /" \
      | tee -a "$work/results"
  done
  for l in "${labels[@]}"; do
    rest "$l" "$model" "$dir" "$body" "${flag[$l]}"
  done
}

machine_note
run half_plus_two "$half_plus_two" '{"instances": [1.0, 2.0, 5.0]}'
run convnet "$convnet" "$convnet_body" -Dimages="$images"

echo
echo "summary (ratio: requests/s against in-process at the same concurrency; cores: server and wrk;"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)):"
printf "%-14s %-14s %5s %10s %9s %9s %7s %8s %8s\n" model run conns req/s p50_ms p99_ms ratio server client
for model in half_plus_two convnet; do
  for c in "${conns[@]}"; do
    b_rps="$(field rps "$(grep "^$model-inprocess c=$c " "$work/results")")"
    runs=(inprocess "${labels[@]}")
    for l in "${labels[@]:2}"; do runs+=("inprocess-$l"); done
    for run in "${runs[@]}"; do
      line="$(grep "^$model-$run c=$c " "$work/results")"
      printf "%-14s %-14s %5s %10s %9s %9s %7s %8s %8s\n" "$model" "$run" "$c" "$(field rps "$line")" \
        "$(field p50_ms "$line")" "$(field p99_ms "$line")" \
        "$(awk -v a="$(field rps "$line")" -v b="$b_rps" 'BEGIN {printf "%.2f", a / b}')" \
        "$(field server_cores "$line")" "$(field client_cores "$line")"
      errors="$(field errors "$line")"
      [[ -z "$errors" || "$errors" == "0" ]] || echo "  ($model $run at c=$c: $errors errors)"
    done
  done
done
