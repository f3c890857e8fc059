#!/usr/bin/env bash
# Batch-prediction throughput of the Fashion-MNIST convnet on the 10,000 test images through
# guild-spark with 1 and 2 executor cores (local[1], local[2]), against guild evaluate's path in
# one JVM (the ratio is Spark's overhead). Sets up a fresh GUILD_HOME with fashion-mnist and the
# convnet trained for STEPS steps (default 100: throughput does not depend on training).
# Usage: examples/bench/spark-predict.sh [ROUNDS=3]   Needs apt-get install dataset-fashion-mnist.
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/prelude.sh"
rounds="${1:-3}"
export GUILD_HOME="$work/home"
mkdir -p "$GUILD_HOME"
guild="$root/guild"
(cd "$root" && mvn -B -q -o -DskipTests -pl spark -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/guild.classpath -Dmdep.includeScope=runtime >/dev/null)
"$guild" install "$("$guild" package "$root/examples/packages/fashion-mnist" --output "$work/out" | tail -1)" >/dev/null
"$guild" init --template "$root/examples/packages/fashion-mnist-convnet-src" "$work/convnet" >/dev/null
(cd "$work/convnet" && "$guild" train --steps "${STEPS:-100}" >/dev/null)
"$guild" install "$("$guild" package "$work/convnet/runs/1" --output "$work/out" | tail -1)" >/dev/null
cp="$root/spark/target/classes:$root/tf-runtime/target/classes:$root/core/target/classes:$(cat "$root/spark/target/guild.classpath")"
opts=$(sed -n 's:.*<spark.java.options>\(.*\)</spark.java.options>.*:\1:p' "$root/spark/pom.xml")
# shellcheck disable=SC2086
java $opts -Dslf4j.provider=org.apache.logging.slf4j.SLF4JServiceProvider -Xmx4g -cp "$cp" "$root/examples/bench/SparkPredictBench.java" \
  fashion-mnist-convnet+fashion-mnist fashion-mnist "$rounds" 2>&1 | grep -vE '^(WARNING|Using Spark|[0-9/]+ [0-9:]+ (INFO|WARN))'
machine_note
