#!/usr/bin/env bash
# Runs spark-mlp on a Spark cluster (standalone, YARN, Kubernetes) through $SPARK_HOME/bin/spark-submit.
#   SPARK_HOME=/opt/spark submit/cluster.sh --master spark://host:7077 -- train --data hdfs:///data/train.csv --out /tmp/run
# Arguments before "--" go to spark-submit (e.g. --master, --deploy-mode, --executor-memory, --num-executors,
# --conf); arguments after it go to spark-mlp. The jar holds our classes and netlib's BLAS; Spark itself is the
# cluster's: Spark 4.x (Scala 2.13) gets target/spark-mlp.jar, Spark 3.5 (Scala 2.12)
# target/spark3.5/spark-mlp-spark3.5.jar, each built when missing or older than the sources.
# Security (see docs/operations.md, "Security"): every --conf before "--" reaches spark-submit unchanged, and
#   SPARK_MLP_AUTH_SECRET_FILE=FILE  sets spark.authenticate=true with the secret read from FILE (kept off the
#                                    command line: it goes to spark-submit in a private properties file)
#   SPARK_MLP_ENCRYPT=true           sets spark.network.crypto.enabled (RPC, AES) and spark.io.encryption.enabled
#                                    (shuffle and spill files); RPC encryption needs authentication
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
: "${SPARK_HOME:?set SPARK_HOME to a Spark 4.x (Scala 2.13) or 3.5 (Scala 2.12) installation}"

# The cluster's Spark version: from the spark-core jar's name (spark-core_2.13-4.2.0.jar), else spark-submit's banner.
spark_version=""
core="$(cd "$SPARK_HOME/jars" 2>/dev/null && ls spark-core_*.jar 2>/dev/null | head -1 || true)"
if [[ -n "$core" ]]; then
  spark_version="${core#spark-core_*-}"; spark_version="${spark_version%.jar}"
else
  spark_version="$("$SPARK_HOME/bin/spark-submit" --version 2>&1 | grep -o -m1 'version [0-9][0-9.]*' | cut -d' ' -f2 || true)"
fi
case "$spark_version" in
  4.*) jar="$root/target/spark-mlp.jar" profile=() ;;
  3.5.*) jar="$root/target/spark3.5/spark-mlp-spark3.5.jar" profile=(-Pspark3.5) ;;
  "") echo "cluster: cannot tell the Spark version of $SPARK_HOME (no jars/spark-core_*.jar, no spark-submit --version)" >&2
      exit 2 ;;
  *) echo "cluster: Spark $spark_version in $SPARK_HOME is not supported: spark-mlp runs on Spark 4.x and 3.5" >&2
     exit 2 ;;
esac

if [[ ! -f "$jar" || -n "$(find "$root/src/main" "$root/pom.xml" -newer "$jar" -print -quit 2>/dev/null)" ]]; then
  (cd "$root" && mvn -q -B ${profile[@]+"${profile[@]}"} -DskipTests package) >&2
fi

# The JVM options Spark's launcher gives the driver JVM it starts itself (client mode). In cluster deploy mode a
# worker or YARN starts the driver with spark.driver.extraJavaOptions alone, and without the --add-opens Kryo
# fails on java.nio.HeapByteBuffer: so they go there, for every mode (in client mode they are repeated, which is
# harmless). Executors get the same from SparkContext, and here too. Options the user gives in either
# property, or in --driver-java-options, are kept after ours.
source "$root/submit/spark-jvm-options.sh"
log4j="-Dlog4j2.configurationFile=file:$root/conf/log4j2.properties"
# The trainer's JIT and GC settings go to the driver and the executors too (docs/scaling.md: a batch-1024 step on
# a 2-worker cluster took 24.5 ms with them, 49.5 without). SPARK_MLP_EXECUTOR_JIT=c2 leaves the executors on C2:
# do so where they have no native BLAS, since netlib's Vector API BLAS is compiled only by C2 (about 60 x slower
# under C1 alone).
executor_jit_gc=("${spark_mlp_jit_gc_opts[@]}")
if [[ "${SPARK_MLP_EXECUTOR_JIT:-c1}" == c2 ]]; then
  executor_jit_gc=(-XX:G1HeapRegionSize=16m)
fi
driver_opts="${spark_jvm_opts[*]} ${spark_mlp_jit_gc_opts[*]} $log4j"
executor_opts="${spark_jvm_opts[*]} ${executor_jit_gc[*]}"
submit_args=()
deploy_mode=client
while [[ $# -gt 0 && "$1" != "--" ]]; do
  case "$1" in
    --conf|-c)
      case "${2:-}" in
        spark.driver.extraJavaOptions=*) driver_opts+=" ${2#*=}"; shift 2; continue ;;
        spark.executor.extraJavaOptions=*) executor_opts+=" ${2#*=}"; shift 2; continue ;;
      esac ;;
    --conf=spark.driver.extraJavaOptions=*) driver_opts+=" ${1#--conf=spark.driver.extraJavaOptions=}"; shift; continue ;;
    --conf=spark.executor.extraJavaOptions=*) executor_opts+=" ${1#--conf=spark.executor.extraJavaOptions=}"; shift; continue ;;
    --driver-java-options) driver_opts+=" ${2:-}"; shift 2; continue ;;
    --driver-java-options=*) driver_opts+=" ${1#--driver-java-options=}"; shift; continue ;;
    --deploy-mode) deploy_mode="${2:-}" ;;
    --deploy-mode=*) deploy_mode="${1#--deploy-mode=}" ;;
  esac
  submit_args+=("$1")
  shift
done
[[ $# -gt 0 ]] && shift
[[ $# -eq 0 ]] && set -- train

security=()
properties_file=""
if [[ -n "${SPARK_MLP_AUTH_SECRET_FILE:-}" ]]; then
  [[ -r "$SPARK_MLP_AUTH_SECRET_FILE" ]] || { echo "cluster: cannot read SPARK_MLP_AUTH_SECRET_FILE $SPARK_MLP_AUTH_SECRET_FILE" >&2; exit 2; }
  for a in ${submit_args[@]+"${submit_args[@]}"}; do
    if [[ "$a" == --properties-file* ]]; then
      echo "cluster: SPARK_MLP_AUTH_SECRET_FILE passes the secret in its own --properties-file; put spark.authenticate.secret in yours instead" >&2
      exit 2
    fi
  done
  # --properties-file replaces spark-defaults.conf, so the defaults are copied in first and the secret added.
  properties_file="$(umask 077; mktemp "${TMPDIR:-/tmp}/spark-mlp-submit.XXXXXX")"
  trap 'rm -f "$properties_file"' EXIT
  defaults_conf="${SPARK_CONF_DIR:-$SPARK_HOME/conf}/spark-defaults.conf"
  [[ -f "$defaults_conf" ]] && cat "$defaults_conf" > "$properties_file"
  printf '\nspark.authenticate=true\nspark.authenticate.secret=%s\n' "$(tr -d '\r\n' < "$SPARK_MLP_AUTH_SECRET_FILE")" \
    >> "$properties_file"
  security+=(--properties-file "$properties_file")
fi
if [[ "${SPARK_MLP_ENCRYPT:-false}" == true ]]; then
  security+=(--conf spark.network.crypto.enabled=true --conf spark.io.encryption.enabled=true)
fi

# In cluster deploy mode the driver runs on a node of the cluster: conf/ of this checkout is not there, so the
# defaults come from the copy in the jar unless SPARK_MLP_DEFAULTS names a file every node has.
defaults=()
if [[ -n "${SPARK_MLP_DEFAULTS:-}" ]]; then
  defaults=(--defaults "$SPARK_MLP_DEFAULTS")
elif [[ "$deploy_mode" != cluster ]]; then
  defaults=(--defaults "$root/conf/spark-mlp.properties")
fi

# On standalone in cluster deploy mode spark-submit exits 0 however the driver ended: its last line says. So its
# output is kept, and a driver that ended FAILED, ERROR or KILLED fails this script with exit code 7.
submit_log=/dev/null
if [[ "$deploy_mode" == cluster && " ${submit_args[*]-} " == *" spark://"* ]]; then
  submit_log="$(mktemp "${TMPDIR:-/tmp}/spark-mlp-submit-log.XXXXXX")"
  trap 'rm -f "$submit_log" ${properties_file:+"$properties_file"}' EXIT
fi

status=0
{ "$SPARK_HOME/bin/spark-submit" \
  --class org.sparkmlp.cli.Main \
  --conf spark.serializer=org.apache.spark.serializer.KryoSerializer \
  --conf spark.kryo.registrator=org.sparkmlp.train.KryoRegistration \
  --conf spark.kryo.registrationRequired=true \
  --conf spark.executorEnv.OPENBLAS_NUM_THREADS=1 \
  --conf spark.yarn.appMasterEnv.OPENBLAS_NUM_THREADS=1 \
  --conf spark.standalone.submit.waitAppCompletion=true \
  --conf "spark.driver.extraJavaOptions=$driver_opts" \
  --conf "spark.executor.extraJavaOptions=$executor_opts" \
  ${security[@]+"${security[@]}"} \
  ${submit_args[@]+"${submit_args[@]}"} \
  "$jar" "$@" ${defaults[@]+"${defaults[@]}"} 2>&1 1>&3 | tee "$submit_log" >&2; } 3>&1 || status=$?
if [[ $status -eq 0 ]] && driver_end="$(grep -E -o 'driver-[0-9-]+ is (FAILED|ERROR|KILLED)' "$submit_log" | tail -1)" \
    && [[ -n "$driver_end" ]]; then
  echo "cluster: the driver ${driver_end% is *} ended ${driver_end##* }: its one-line reason is at the end of its stderr, in the work directory of the worker that ran it" >&2
  status=7
fi
exit "$status"
