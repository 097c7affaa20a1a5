#!/usr/bin/env bash
# Runs spark-mlp on a Spark cluster (standalone, YARN, Kubernetes) through $SPARK_HOME/bin/spark-submit.
#   SPARK_HOME=/opt/spark submit/cluster.sh --master spark://host:7077 -- train --data hdfs:///data/train.csv --out /tmp/run
# Arguments before "--" go to spark-submit (e.g. --master, --deploy-mode, --executor-memory, --num-executors);
# arguments after it go to spark-mlp. The jar holds our classes and netlib's BLAS; Spark itself is the cluster's.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/target/spark-mlp.jar"
: "${SPARK_HOME:?set SPARK_HOME to a Spark 4.x installation (Scala 2.13)}"

if [[ ! -f "$jar" || -n "$(find "$root/src/main" "$root/pom.xml" -newer "$jar" -print -quit 2>/dev/null)" ]]; then
  (cd "$root" && mvn -q -B -DskipTests package) >&2
fi

submit_args=()
while [[ $# -gt 0 && "$1" != "--" ]]; do submit_args+=("$1"); shift; done
[[ $# -gt 0 ]] && shift
[[ $# -eq 0 ]] && set -- train

defaults="${SPARK_MLP_DEFAULTS:-$root/conf/spark-mlp.properties}"
exec "$SPARK_HOME/bin/spark-submit" \
  --class org.sparkmlp.cli.Main \
  --conf spark.serializer=org.apache.spark.serializer.KryoSerializer \
  --conf spark.kryo.registrator=org.sparkmlp.train.KryoRegistration \
  --conf spark.kryo.registrationRequired=true \
  --conf spark.executorEnv.OPENBLAS_NUM_THREADS=1 \
  --conf spark.yarn.appMasterEnv.OPENBLAS_NUM_THREADS=1 \
  --conf "spark.driver.extraJavaOptions=-Dlog4j2.configurationFile=file:$root/conf/log4j2.properties" \
  --driver-java-options "-Dlog4j2.configurationFile=file:$root/conf/log4j2.properties" \
  "${submit_args[@]}" \
  "$jar" "$@" --defaults "$defaults"
