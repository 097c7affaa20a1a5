#!/usr/bin/env bash
# Runs spark-mlp on this machine with Spark in-process (local[*] unless --master says otherwise).
# Needs only Java 17 and Maven: builds the jar and its classpath when the sources are newer.
#   submit/local.sh                      train on the bundled digits
#   submit/local.sh train --data DIR ... train on your data (see --help)
#   submit/local.sh evaluate --model out/model.json --data test.csv
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/target/spark-mlp.jar"
cp_file="$root/target/classpath.txt"

if [[ ! -f "$jar" || ! -f "$cp_file" || -n "$(find "$root/src/main" "$root/pom.xml" "$root/conf" -newer "$jar" -print -quit 2>/dev/null)" ]]; then
  echo "building spark-mlp (first run downloads Spark's jars: a few minutes) ..." >&2
  (cd "$root" && mvn -q -B -DskipTests package) >&2
fi

# The options Spark's own launcher passes on Java 17 (org.apache.spark.launcher.JavaModuleOptions).
spark_jvm_opts=(
  -XX:+IgnoreUnrecognizedVMOptions --add-modules=jdk.incubator.vector
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  --add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED -Dio.netty.tryReflectionSetAccessible=true
)

# One BLAS thread per task: Spark already runs a task per core.
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
export SPARK_MLP_DEFAULTS="${SPARK_MLP_DEFAULTS:-$root/conf/spark-mlp.properties}"

[[ $# -eq 0 ]] && set -- train
exec java ${SPARK_MLP_JAVA_OPTS:--Xmx3g} "${spark_jvm_opts[@]}" \
  -Dlog4j2.configurationFile="$root/conf/log4j2.properties" \
  -cp "$jar:$(cat "$cp_file")" org.sparkmlp.cli.Main "$@"
