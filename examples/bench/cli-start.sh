#!/usr/bin/env bash
# Start-up of the guild CLI for commands that never load TensorFlow (guild --version, guild list):
# the distribution's launcher (dist/target/guild/bin/guild), the same JVM without the launcher,
# and that JVM with an AppCDS archive (-XX:SharedArchiveFile, made here with
# -XX:ArchiveClassesAtExit from one 'guild list'). With BASE, a folder holding an older checkout,
# its ./guild is measured too (e.g. BASE made by 'git archive REV | tar -x -C BASE').
# Uses hyperfine (Debian package hyperfine). Reports mean wall time and user+system CPU: on a
# shared, loaded machine the CPU figures are the steadier ones.
# Usage: examples/bench/cli-start.sh [RUNS] [BASE]      (mvn -B -DskipTests package first)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
runs="${1:-10}"
base="${2:-}"
dist="$root/dist/target/guild"
[[ -x "$dist/bin/guild" ]] || { echo "no $dist/bin/guild: run 'mvn -B -DskipTests package' first" >&2; exit 1; }
command -v hyperfine >/dev/null || { echo "hyperfine is not installed (apt-get install hyperfine)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export GUILD_HOME="$work/home" TF_CPP_MIN_LOG_LEVEL=2
# A home with one installed package, so that 'list' reads a store.
mkdir -p "$work/pkg"
printf '[package]\nname = tiny\nversion = 1\ntype = source\ndescription = A tiny package\nlicense = Apache-2.0\n' > "$work/pkg/GuildPkg"
"$dist/bin/guild" install -q "$("$dist/bin/guild" package -q "$work/pkg" --output "$work")" >/dev/null

java=(java -cp "$dist/lib/*" org.guildpkg.cli.GuildCli)
java "-XX:ArchiveClassesAtExit=$work/guild.jsa" -cp "$dist/lib/*" org.guildpkg.cli.GuildCli list >/dev/null 2>&1
echo "AppCDS archive: $(du -k "$work/guild.jsa" | cut -f1) KB"
for args in "--version" "list"; do
  cmds=()
  [[ -n "$base" ]] && cmds+=("$base/guild $args")
  cmds+=("$dist/bin/guild $args" "${java[*]} $args"
    "java -XX:SharedArchiveFile=$work/guild.jsa -cp $dist/lib/* org.guildpkg.cli.GuildCli $args")
  hyperfine -N --warmup 2 --runs "$runs" --export-json "$work/h.json" "${cmds[@]}" >/dev/null 2>&1
  python3 - "$work/h.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(f"{r['mean']:6.2f} s wall  {r['user'] + r['system']:5.2f} s cpu  {r['command'][:110]}")
PY
done
