#!/usr/bin/env bash
# Tests the distribution's launcher: DIST/bin/guild through a symbolic link on PATH, its answers
# (version, "Did you mean", bash completion), and, with a stand-in java that writes absl's and
# TensorFlow's log lines, the quiet defaults: TF_CPP_MIN_LOG_LEVEL=2, absl's lines dropped, the
# exit status kept; -v brings everything back. Usage: launcher-test.sh DIST (e.g. dist/target/guild)
set -euo pipefail
dist="$(cd "$1" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "launcher-test: $*" >&2; exit 1; }

mkdir -p "$work/bin"
ln -s "$dist/bin/guild" "$work/bin/guild"
export PATH="$work/bin:$PATH"

guild --version | grep -qx "guild [0-9].*" || fail "guild --version printed no version"
out="$(guild instal x 2>&1)" && fail "guild instal x succeeded"
grep -q "Did you mean: guild install" <<<"$out" || fail "no suggestion for 'instal': $out"
offered="$(bash --norc -c 'source <(guild completion bash); COMP_WORDS=(guild ins); COMP_CWORD=1;
  COMP_LINE="guild ins"; COMP_POINT=9; _complete_guild guild ins guild 2>/dev/null; echo "${COMPREPLY[*]}"')"
[[ "$offered" == "install" ]] || fail "bash completion of 'guild ins' offered '$offered'"

# A stand-in java: prints its environment's log level, absl's and TensorFlow's lines, a progress bar.
mkdir -p "$work/jdk/bin"
cat > "$work/jdk/bin/java" <<'JAVA'
#!/usr/bin/env bash
echo "result on stdout"
echo "TF_CPP_MIN_LOG_LEVEL=$TF_CPP_MIN_LOG_LEVEL" >&2
echo "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR" >&2
echo "I0000 00:00:1795996930.341631    9737 mlir_graph_optimization_pass.cc:401] MLIR V1 optimization pass is not enabled" >&2
printf '\r[====    ] 50%%' >&2
printf '\r[========] 100%%\n' >&2
echo "guild: warning: kept" >&2
exit 3
JAVA
chmod +x "$work/jdk/bin/java"
status=0
(unset TF_CPP_MIN_LOG_LEVEL; JAVA_HOME="$work/jdk" guild list >"$work/out" 2>"$work/err") || status=$?
[[ $status == 3 ]] || fail "the launcher changed java's exit status 3 into $status"
[[ "$(cat "$work/out")" == "result on stdout" ]] || fail "stdout: $(cat "$work/out")"
grep -qx "TF_CPP_MIN_LOG_LEVEL=2" "$work/err" || fail "TF_CPP_MIN_LOG_LEVEL was not 2: $(cat "$work/err")"
grep -q "absl\|mlir_graph" "$work/err" && fail "absl's lines reached stderr: $(cat "$work/err")"
grep -q "100%" "$work/err" && grep -qx "guild: warning: kept" "$work/err" || fail "guild's own lines were lost: $(cat "$work/err")"
(JAVA_HOME="$work/jdk" guild list -v >/dev/null 2>"$work/err-v") || true
grep -qx "TF_CPP_MIN_LOG_LEVEL=0" "$work/err-v" || fail "-v did not set TF_CPP_MIN_LOG_LEVEL=0"
grep -q "mlir_graph" "$work/err-v" || fail "-v did not bring absl's lines back"
echo "launcher-test: ok"
