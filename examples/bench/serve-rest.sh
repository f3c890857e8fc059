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
secs="${1:-5}"
convnet="${2:-}"
warmup="${3:-20}"
conns=(1 8 64)
half_plus_two="$root/testdata/tf-serving/saved_model_half_plus_two_cpu/00000123"
images="$FASHION_MNIST/t10k-images-idx3-ubyte.gz"
command -v wrk >/dev/null || { echo "serve-rest.sh: wrk is not installed (apt-get install wrk)" >&2; exit 1; }
[[ -f "$images" ]] || { echo "serve-rest.sh: no $images (apt-get install dataset-fashion-mnist)" >&2; exit 1; }
tf_classpath
server_pid=""
bench_cleanup_extra() { [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null; wait 2>/dev/null; }
javac -d "$work/classes" -cp "$cp" "$bench_dir/InProcessPredict.java"

if [[ -z "$convnet" ]]; then
  echo "training the convnet briefly (200 steps) in $work/home ..."
  (
    export GUILD_HOME="$work/home"
    archive="$("$root/guild" package "$root/examples/packages/fashion-mnist" --output "$work/out" | tail -1)"
    "$root/guild" install "$archive" >/dev/null
    "$root/guild" init --template "$root/examples/packages/fashion-mnist-convnet-src" "$work/convnet" >/dev/null
    cd "$work/convnet" && "$root/guild" train --steps 200 | tail -1
  ) >"$work/train.log" 2>&1 || { cat "$work/train.log" >&2; exit 1; }
  convnet="$work/convnet/runs/1/model"
fi

field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" <<<"$2"; }
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

wrk_run() {
  local endpoint="$1" c="$2" s="$3" body="$4" threads=$(( $2 < 2 ? 1 : 2 )) t0 s0 line
  s0="$(ticks "$server_pid")"; t0="$(date +%s.%N)"
  line="$(WRK_BODY="$body" /usr/bin/time -f "wrk_cpu=%U+%S" wrk -t"$threads" -c"$c" -d"${s}s" \
    -s "$bench_dir/serve-wrk.lua" "$endpoint" 2>&1 | grep -E 'RESULT|wrk_cpu' | tr '\n' ' ')"
  awk -v l="$line" -v s0="$s0" -v s1="$(ticks "$server_pid")" -v t0="$t0" -v t1="$(date +%s.%N)" 'BEGIN {
    match(l, /wrk_cpu=[0-9.]+\+[0-9.]+/); split(substr(l, RSTART + 8, RLENGTH - 8), w, "+");
    sub(/ *wrk_cpu=.*/, "", l);
    printf "%s client_cores=%.2f server_cores=%.2f\n", l, (w[1] + w[2]) / (t1 - t0), (s1 - s0) / 100 / (t1 - t0) }'
}

# $1: label, $2: model, $3: folder, $4: body, $5: server java flags (words)
rest() {
  local label="$1" model="$2" dir="$3" body="$4" flags="$5"
  : >"$work/server.out"
  # shellcheck disable=SC2086
  java $flags -cp "$cp" org.guildpkg.cli.GuildCli serve "$dir" --port 0 --name "$model" \
    >"$work/server.out" 2>"$work/server.err" &
  server_pid=$!
  local url=""
  for _ in $(seq 600); do
    url="$(sed -n 's/^listening on \(http:[^ ;]*\).*/\1/p' "$work/server.out")"
    [[ -n "$url" ]] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.err" >&2; exit 1; }
    sleep 0.1
  done
  [[ -n "$url" ]] || { echo "serve-rest.sh: the server did not start" >&2; exit 1; }
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
image_json="$({ zcat "$images" 2>/dev/null || true; } | head -c 800 | tail -c 784 | od -An -tu1 -v \
  | awk '{for (i = 1; i <= NF; i++) p[n++] = $i}
         END {for (r = 0; r < 28; r++) {s = s (r ? "," : "") "["; for (c = 0; c < 28; c++) s = s (c ? "," : "") p[r*28+c]; s = s "]"}; print s}')"
run convnet "$convnet" "{\"instances\": [{\"image\": [$image_json]}]}" -Dimages="$images"

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
