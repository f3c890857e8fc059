#!/usr/bin/env bash
# REST front ends for half_plus_two at 64 connections, against in-process calls in the same run:
# `guild serve` and NettyRestFrontEnd, a measurement prototype that puts the same REST API,
# predictor and batching behind a bare Netty event loop (2 epoll I/O threads, the API on a pool; no
# limits, no handling permits, no in-flight budget), each with batching off and on. (The prototype
# was written to measure an event-loop front end against the JDK's HTTP server, which `guild serve`
# used until then; now it shows what the server's own limits and permits cost.) ROUNDS rounds (default 3), alternating, so that the machine's other load spreads over
# all of them; the summary gives each round's req/s and its ratio to that round's in-process run.
#   inprocess     InProcessPredict, 64 threads calling SavedModel.predict (x = 1, 2, 5)
#   serve:off       guild serve (handling permits: the default, 8 here)
#   serve:batching  guild serve --batching (permits: the batch size, 64)
#   netty:off     the prototype, API pool of 8
#   netty:batching  the prototype with batching, API pool of 64
# Not a test; needs wrk, and Netty 4.1.118 for linux-x86_64 (fetched with Maven into the local
# repository, M2_REPO, default ~/.m2/repository).
# JOPTS: JVM options for every process measured (e.g. -Dguild.tf.interOpThreads=-1).
# Usage: [ROUNDS=N] [JOPTS=...] examples/bench/rest-front-end.sh [SECONDS per run, default 5] [WARMUP, default 15]
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/prelude.sh"
script=rest-front-end.sh
source "$bench_dir/serve-common.sh"
secs="${1:-5}"
warmup="${2:-15}"
rounds="${ROUNDS:-3}"
read -r -a jopts <<<"${JOPTS:-}"
tf_classpath
netty_version=4.1.118.Final
repo="${M2_REPO:-$HOME/.m2/repository}"
mvn -B -q dependency:get -Dartifact="io.netty:netty-codec-http:$netty_version" >/dev/null
mvn -B -q dependency:get -Dtransitive=false \
  -Dartifact="io.netty:netty-transport-native-epoll:$netty_version:jar:linux-x86_64" >/dev/null
mvn -B -q dependency:get -Dartifact="io.netty:netty-transport-classes-epoll:$netty_version" >/dev/null
ncp=""
for m in common buffer transport codec codec-http handler resolver transport-native-unix-common transport-classes-epoll; do
  ncp="$ncp:$repo/io/netty/netty-$m/$netty_version/netty-$m-$netty_version.jar"
done
ncp="$ncp:$repo/io/netty/netty-transport-native-epoll/$netty_version/netty-transport-native-epoll-$netty_version-linux-x86_64.jar"
javac -d "$work/classes" -cp "$cp$ncp" "$bench_dir/InProcessPredict.java" "$bench_dir/NettyRestFrontEnd.java"
body='{"instances": [1.0, 2.0, 5.0]}'

# Starts server $1 (serve|netty) with batching $2 (off|batching); sets server_pid and url
start() {
  : >"$work/server.out"
  if [[ "$1" == serve ]]; then
    local flags=(); [[ "$2" == batching ]] && flags=(--batching)
    java "${jopts[@]}" -cp "$cp" org.guildpkg.cli.GuildCli serve "$half_plus_two" --port 0 --name half_plus_two "${flags[@]}" \
      >"$work/server.out" 2>"$work/server.err" &
  else
    local threads=8; [[ "$2" == batching ]] && threads=64
    java "${jopts[@]}" -cp "$work/classes:$cp$ncp" org.guildpkg.tf.serve.NettyRestFrontEnd "$half_plus_two" half_plus_two 0 \
      "$threads" "$2" >"$work/server.out" 2>"$work/server.err" &
  fi
  server_pid=$!
  await_server
}

machine_note
echo "seconds per run: $secs, warm-up: ${warmup}s, rounds: $rounds, 64 connections, JVM options: ${JOPTS:-none}"
: >"$work/results"
for round in $(seq "$rounds"); do
  line="$(java "${jopts[@]}" -Dwarmup="$warmup" -cp "$work/classes:$cp" InProcessPredict "$half_plus_two" "$secs" 64 2>/dev/null | grep RESULT)"
  echo "round $round inprocess $line (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
  echo "$round inprocess $(field rps "$line")" >>"$work/results"
  for server in serve netty; do
    for batching in off batching; do
      start "$server" "$batching"
      endpoint="$url/v1/models/half_plus_two:predict"
      wrk_run "$endpoint" 64 "$warmup" "$body" >/dev/null
      line="$(wrk_run "$endpoint" 64 "$secs" "$body")"
      kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
      [[ "$(field errors "$line")" == 0 ]] || { echo "$script: $server:$batching had errors: $line" >&2; exit 1; }
      echo "round $round $server:$batching $line"
      echo "$round $server:$batching $(field rps "$line")" >>"$work/results"
    done
  done
done
echo
echo "summary (req/s at 64 connections, ratio to the same round's in-process run; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)):"
awk '{rps[$1 " " $2] = $3; if (!seen[$2]++) order[n++] = $2; r = $1 > r ? $1 : r}
     END {printf "%-16s", "run"; for (i = 1; i <= r; i++) printf "  round %d        ", i; printf "\n";
          for (k = 0; k < n; k++) { printf "%-16s", order[k];
            for (i = 1; i <= r; i++) printf "  %7.0f (%.2f)", rps[i " " order[k]], rps[i " " order[k]] / rps[i " inprocess"];
            printf "\n" } }' "$work/results"
