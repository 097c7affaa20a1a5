#!/usr/bin/env bash
# Data preparation alone, measured: builds the training, validation and test sets of DATA in a precision and
# prints Spark's storage figures for each cached set beside rows × features × bytes per value, and the heap
# the build needed (largest heap after a collection, largest before one).
#   bench/cache-footprint.sh DATA float32|float64 [PARTITIONS [VAL_FRACTION]]
# The heap is SPARK_MLP_JAVA_OPTS (default -Xmx3g, as submit/local.sh).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ $# -lt 2 ]]; then
  echo "usage: $0 DATA float32|float64 [PARTITIONS [VAL_FRACTION]]" >&2
  exit 2
fi
(cd "$root" && mvn -q -B -DskipTests package) >&2
# Spark's launcher options for Java 17 (as in submit/local.sh).
opens=()
for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util java.util.concurrent \
         java.util.concurrent.atomic jdk.internal.ref sun.nio.ch sun.nio.cs sun.security.action sun.util.calendar; do
  opens+=("--add-opens=java.base/$p=ALL-UNNAMED")
done
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
exec java ${SPARK_MLP_JAVA_OPTS:--Xmx3g} -XX:+IgnoreUnrecognizedVMOptions --add-modules=jdk.incubator.vector \
  "${opens[@]}" --add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED -Dio.netty.tryReflectionSetAccessible=true \
  -Dlog4j2.configurationFile="$root/conf/log4j2.properties" \
  -cp "$root/target/spark-mlp.jar:$root/target/test-classes:$(cat "$root/target/classpath.txt")" \
  org.sparkmlp.data.CacheFootprint "$@"
