# Sourced after prelude.sh by the serving benchmarks (serve.sh, serve-rest.sh, serve-wrk.sh), so
# they check, train and load the same way. Needs `script` (the calling script's name, for errors).
# Sets: conns (1 8 64), half_plus_two (TensorFlow Serving's test model), images (Debian's
# Fashion-MNIST test images), server_pid (killed on exit), convnet_body (test image 0 of
# Fashion-MNIST, an ankle boot, as a row-form predict body). Functions: convnet_model (trains
# fashion-mnist-convnet-src briefly when $convnet is empty and sets it), await_server, field, ticks,
# wrk_run.
conns=(1 8 64)
half_plus_two="$root/testdata/tf-serving/saved_model_half_plus_two_cpu/00000123"
images="$FASHION_MNIST/t10k-images-idx3-ubyte.gz"
command -v wrk >/dev/null || { echo "$script: wrk is not installed (apt-get install wrk)" >&2; exit 1; }
[[ -f "$images" ]] || { echo "$script: no $images (apt-get install dataset-fashion-mnist)" >&2; exit 1; }
server_pid=""
bench_cleanup_extra() { [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null; wait 2>/dev/null; }

# Sets convnet to a trained convnet's SavedModel folder: $convnet if given, else one trained for
# 200 steps in a temporary Guild home (about a minute).
convnet_model() {
  [[ -n "$convnet" ]] && return
  echo "training the convnet briefly (200 steps) in $work/home ..."
  (
    export GUILD_HOME="$work/home"
    archive="$("$root/guild" package "$root/examples/packages/fashion-mnist" --output "$work/out" | tail -1)"
    "$root/guild" install "$archive" >/dev/null
    "$root/guild" init --template "$root/examples/packages/fashion-mnist-convnet-src" "$work/convnet" >/dev/null
    cd "$work/convnet" && "$root/guild" train --steps 200 | tail -1
  ) >"$work/train.log" 2>&1 || { cat "$work/train.log" >&2; exit 1; }
  convnet="$work/convnet/runs/1/model"
}

# (zcat stops early on purpose: head closes the pipe after the first image)
image_json="$({ zcat "$images" 2>/dev/null || true; } | head -c 800 | tail -c 784 | od -An -tu1 -v \
  | awk '{for (i = 1; i <= NF; i++) p[n++] = $i}
         END {for (r = 0; r < 28; r++) {s = s (r ? "," : "") "["; for (c = 0; c < 28; c++) s = s (c ? "," : "") p[r*28+c]; s = s "]"}; print s}')"
convnet_body="{\"instances\": [{\"image\": [$image_json]}]}"

# Waits up to 60 s (the JVM and the model loading) for the server $server_pid to print
# "listening on URL" to $work/server.out and sets url; exits with its stderr if it dies first.
await_server() {
  url=""
  for _ in $(seq 600); do
    url="$(sed -n 's/^listening on \(http:[^ ;]*\).*/\1/p' "$work/server.out")"
    [[ -n "$url" ]] && return
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.err" >&2; exit 1; }
    sleep 0.1
  done
  echo "$script: the server did not start" >&2; exit 1
}

field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" <<<"$2"; }
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # a process's CPU time in 1/100 s

# wrk against $1 with $2 connections for $3 seconds, body $4 (empty: GET instead of POST): wrk's
# RESULT line plus the server's (pid $server_pid) and wrk's own CPU in cores
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
