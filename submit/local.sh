#!/usr/bin/env bash
# Runs spark-mlp on this machine with Spark in-process (local[*] unless --master says otherwise).
# Needs only Java 17 and Maven: builds the jar and its classpath when the sources are newer.
#   submit/local.sh                      train on the bundled digits
#   submit/local.sh train --data DIR ... train on your data (see --help)
#   submit/local.sh evaluate --model runs/latest/model.json --data test.csv   (the newest finished train run)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/target/spark-mlp.jar"
cp_file="$root/target/classpath.txt"

if [[ ! -f "$jar" || ! -f "$cp_file" || -n "$(find "$root/src/main" "$root/pom.xml" "$root/conf" -newer "$jar" -print -quit 2>/dev/null)" ]]; then
  echo "building spark-mlp (first run downloads Spark's jars: a few minutes) ..." >&2
  (cd "$root" && mvn -q -B -DskipTests package) >&2
fi

# The JVM options Spark needs on Java 17.
source "$root/submit/spark-jvm-options.sh"

# One BLAS thread per task: Spark already runs a task per core.
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
export SPARK_MLP_DEFAULTS="${SPARK_MLP_DEFAULTS:-$root/conf/spark-mlp.properties}"

[[ $# -eq 0 ]] && set -- train
# -XX:TieredStopAtLevel=1 (C1 only): on a machine of a few cores, C2's compiler threads keep competing with
# Spark's tasks for thousands of jobs while Spark's scheduler paths are recompiled; the same bits came out in
# 0.53-0.6 x the CPU on 2 cores. -XX:CompileThresholdScaling=0.2 compiles a method after a fifth of the usual
# calls: Spark's per-job code runs once a step, and the fast preset's epochs took 0.7-0.9 x the time
# (BENCHMARKS.md, "The JIT compiler"). SPARK_MLP_JAVA_OPTS replaces these options.
exec java ${SPARK_MLP_JAVA_OPTS:--Xmx3g -XX:TieredStopAtLevel=1 -XX:CompileThresholdScaling=0.2} "${spark_jvm_opts[@]}" \
  -Dlog4j2.configurationFile="$root/conf/log4j2.properties" \
  -cp "$jar:$(cat "$cp_file")" org.sparkmlp.cli.Main "$@"
