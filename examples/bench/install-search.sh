#!/usr/bin/env bash
# Benchmark (not a test) of the mirror client, printing figures and ratios measured in this run:
#   1. install of a 30 MB+ package from a file:// mirror, against `tar --zstd -xf` of the same
#      archive (target: within 1.5x of tar) and against `tar --zstd -xf && sync` (the durable
#      equivalent: guild install syncs the files before its commit), in-process (warm JVM, rounds
#      alternating with tar's) and as a whole CLI call;
#   2. search over a generated, signed index of 10,000 packages (target: under 50 ms), warm
#      in-process and as a whole CLI call (which includes starting the JVM).
# Usage: examples/bench/install-search.sh [MEGABYTES]   (default 32; ROUNDS=9 alternating rounds)
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/prelude.sh"
mb="${1:-32}"
cd "$root"

echo "building core and its class path (offline Maven)..." >&2
mvn -B -q -o -pl core compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=runtime >/dev/null
cp="$root/core/target/classes:$(cat "$root/core/target/bench.classpath")"
bench() { java -cp "$cp" "$root/examples/bench/MirrorBench.java" "$@"; }
guild() { java -cp "$cp" org.guildpkg.cli.GuildCli "$@"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# --- install ---------------------------------------------------------------------------------
archive="$(bench big-package "$work/pkg" "$work/out" "$mb" | tail -1)"
size_mb=$(( $(stat -c %s "$archive") / 1024 / 1024 ))
guild publish "$archive" --mirror "file://$work/mirror" >/dev/null

cli_best=""
for i in 1 2 3; do
  home="$work/home-cli$i"
  guild --home "$home" mirror add bench "file://$work/mirror" >/dev/null 2>&1
  sync
  t0=$(now_ms); guild --home "$home" install big-model >/dev/null 2>&1; t1=$(now_ms)
  d=$(( t1 - t0 )); if [[ -z "$cli_best" || $d -lt $cli_best ]]; then cli_best=$d; fi
done
# tar, tar + sync and the in-process install alternate round by round in one program, so that
# all three see the same load on a shared machine.
rounds="${ROUNDS:-9}"
inproc="$(bench install "$work" "file://$work/mirror" big-model "$rounds" "$archive" 2> >(grep -v SLF4J >&2))"
val() { awk -v k="$1" '$1 == k {print $2}' <<<"$inproc"; }
tar_best="$(val tar-best-ms)"; tar_sync_best="$(val tar-sync-best-ms)"; inproc_ms="$(val install-warm-ms)"
ratio() { awk "BEGIN {printf \"%.2f\", $1 / $2}"; }

echo "== install of big-model (${size_mb} MB archive, ${mb} MB of files) from a file:// mirror, $rounds alternating rounds"
echo "tar --zstd -xf (best):                       ${tar_best} ms"
echo "tar --zstd -xf && sync (best, durable):      ${tar_sync_best} ms"
echo "guild install, in-process warm (best):       ${inproc_ms} ms   ratio $(ratio "$inproc_ms" "$tar_best")x vs tar (target <= 1.5x), $(ratio "$inproc_ms" "$tar_sync_best")x vs tar+sync"
echo "  median of per-round ratios:                $(val ratio-vs-tar-median)x vs tar, $(val ratio-vs-tar-sync-median)x vs tar+sync"
echo "guild install, whole CLI (best of 3):        ${cli_best} ms   ratio $(ratio "$cli_best" "$tar_best")x vs tar (includes JVM start)"

# --- search ----------------------------------------------------------------------------------
bench gen-index "$work/index-mirror" "$work/keys" 10000 >/dev/null
shome="$work/home-search"
guild --home "$shome" mirror add bench "file://$work/index-mirror" --key "$work/keys/mirror.pub" >/dev/null
guild --home "$shome" search fashion >/dev/null   # fetch and cache the index once
inproc="$(bench search "$shome" fashion 50)"
cli_search=""
for i in 1 2 3; do
  t0=$(now_ms); guild --home "$shome" --offline search fashion >/dev/null; t1=$(now_ms)
  d=$(( t1 - t0 )); if [[ -z "$cli_search" || $d -lt $cli_search ]]; then cli_search=$d; fi
done
t0=$(now_ms); java -cp "$cp" org.guildpkg.cli.GuildCli --version >/dev/null; t1=$(now_ms)
jvm=$(( t1 - t0 ))

echo "== search 'fashion' over 10,000 packages ($(awk '/hits/ {print $2}' <<<"$inproc") hits)"
echo "in-process warm, loaded index:             $(awk '/^search-warm-ms/ {print $2}' <<<"$inproc") ms  (target < 50 ms)"
echo "in-process warm, read+verify+parse cached: $(awk '/^load-and-search-warm-ms/ {print $2}' <<<"$inproc") ms"
echo "whole CLI call, --offline (best of 3):     ${cli_search} ms  (guild --version alone: ${jvm} ms)"
