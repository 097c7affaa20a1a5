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
# The trainer's heap, JIT and GC settings (spark-jvm-options.sh says why), then SPARK_MLP_JAVA_OPTS: the JVM
# takes the last of a repeated option, so SPARK_MLP_JAVA_OPTS=-Xmx8g raises the heap and keeps the rest.
# shellcheck disable=SC2086
exec java "${spark_mlp_jvm_opts[@]}" ${SPARK_MLP_JAVA_OPTS:-} "${spark_jvm_opts[@]}" \
  -Dlog4j2.configurationFile="$root/conf/log4j2.properties" \
  -cp "$jar:$(cat "$cp_file")" org.sparkmlp.cli.Main "$@"
