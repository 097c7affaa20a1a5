#!/usr/bin/env bash
# The cluster benchmark (submit/benchmark.sh --cluster runs it): a real Spark standalone cluster on this machine,
# a master and two 1-core workers started by submit/standalone.sh, driven by submit/cluster.sh, side by side with
# submit/local.sh --master 'local[2]' on the same cores, data and options, in one run:
#   epochs     Fashion-MNIST, 784-100-10 at batch 1024 and 128, 784-1024-1024-10 at batch 1024; 2 partitions,
#              4 epochs, each run on local[2] then on the cluster; median of epochs 2-4; models compared bit for bit
#   partitions 784-100-10, batch 1024, at 2, 32, 128 and 512 partitions (and 128 with --aggregation-depth 1 and 3),
#              on local[2] and on the cluster
#   floors     StepBench on local[2] and on the cluster: the bare job, the ship floor (weights in, a gradient-sized
#              sum back, nothing computed), the kernel alone and whole steps at batch 128 and 1024, for 784-100-10
#              and 784-1024-1024-10; and, for docs/scaling.md's cost model (bench/cost_model.py), the bare job, the
#              ship floor and the step with a task per partition at 2, 8, 32 and 128 partitions
# Every train run's summary.json holds step_breakdown: Spark's task metrics per step (medians).
#   bench/cluster.sh [--quick] [--skip-partitions] [--skip-floors]
# --quick: 2 epochs and 100 steps a figure (a smoke run, not a measurement). Needs what submit/benchmark.sh needs
# (Java 17, Maven, python3, Fashion-MNIST, OpenBLAS). Writes target/benchmark-cluster/: table.md and every run's
# directory and log.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data=/usr/share/datasets/fashion-mnist
out="$root/target/benchmark-cluster"

quick=0 skip_partitions=0 skip_floors=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) quick=1 ;;
    --skip-partitions) skip_partitions=1 ;;
    --skip-floors) skip_floors=1 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "cluster benchmark: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ -f "$data/train-images-idx3-ubyte.gz" ]] || {
  echo "cluster benchmark: Fashion-MNIST is missing at $data (apt-get install -y dataset-fashion-mnist)" >&2; exit 3; }
epochs=4 steps=400
[[ $quick -eq 1 ]] && epochs=2 steps=100

log() { echo "cluster benchmark: $*" >&2; }
rm -rf "$out"
mkdir -p "$out"
{
  echo "date=$(date -u +%Y-%m-%dT%H:%MZ)"
  echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "cores=$(nproc)"
  echo "load=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "epochs=$epochs"
} > "$out/env.txt"

log "building (jar, test classes) ..."
(cd "$root" && mvn -q -B -DskipTests package) > "$out/build.log" 2>&1 || { cat "$out/build.log" >&2; exit 1; }

"$root/submit/standalone.sh" start "$out/cluster" --workers 2 --cores 1 --memory 2g >&2
trap '"$root/submit/standalone.sh" stop "$out/cluster" >&2 || true' EXIT
set -a; source "$out/cluster/cluster.env"; set +a

# One training run: where (local or cluster), a name, then train options.
train() {
  local where="$1" name="$2"; shift 2
  local args=(train --data "$data" --activation tanh --lr 0.1 --val-fraction 0.1 --seed 42 --out "$out/$name" "$@")
  log "$name ..."
  if [[ "$where" == local ]]; then
    "$root/submit/local.sh" "${args[@]}" --master 'local[2]' > "$out/$name.log" 2>&1
  else
    "$root/submit/cluster.sh" --master "$SPARK_MASTER_URL" -- "${args[@]}" > "$out/$name.log" 2>&1
  fi || { tail -5 "$out/$name.log" >&2; log "$name failed (see $out/$name.log)"; }
}

# 1. The epochs of issue 21's table, local then cluster for each row.
for row in "100 1024" "100 128" "1024,1024 1024"; do
  read -r hidden batch <<< "$row"
  for where in local cluster; do
    train "$where" "epochs-$where-h${hidden/,/x}-b$batch" --hidden "$hidden" --batch-size "$batch" \
      --epochs "$epochs" --partitions 2
  done
done

# 2. A step's cost against the partitions (and, at 128, the aggregation depth).
if [[ $skip_partitions -eq 0 ]]; then
  for p in 2 32 128 512; do
    for where in local cluster; do
      train "$where" "partitions-$where-p$p-d2" --hidden 100 --batch-size 1024 --epochs "$epochs" --partitions "$p"
    done
  done
  for depth in 1 3; do
    for where in local cluster; do
      train "$where" "partitions-$where-p128-d$depth" --hidden 100 --batch-size 1024 --epochs "$epochs" \
        --partitions 128 --aggregation-depth "$depth"
    done
  done
fi

# 3. Spark's floors and our steps, StepBench on both masters, in the default precision (float32).
if [[ $skip_floors -eq 0 ]]; then
  source "$root/submit/spark-jvm-options.sh"
  export OPENBLAS_NUM_THREADS=1 SPARK_LOCAL_IP=127.0.0.1
  # The runtime classpath, as the cluster's jars/ holds it, not the test classpath: Spark's Kryo registers Spark
  # ML's classes when they load, so a driver and executors with different jars (spark-mllib on one side only)
  # number every class differently, and the first task fails with an EOFException. spark-mllib is provided, so
  # classpath.txt, and with it the stand-in cluster's jars/, holds it on both sides; test-only jars stay out.
  test_cp="$root/target/test-classes:$root/target/classes:$(cat "$root/target/classpath.txt")"
  # StepBench's floors run test code on the executors (train.TestEngines: the bare and ship-only jobs): they get
  # the test classes as a second application jar.
  (cd "$root/target/test-classes" && jar cf "$out/test-classes.jar" org)
  app_jars="$root/target/spark-mlp.jar,$out/test-classes.jar"
  for hidden in 100 1024,1024; do
    for master in 'local[2]' "$SPARK_MASTER_URL"; do
      where=local; [[ "$master" == spark://* ]] && where=cluster
      log "StepBench, $where, hidden $hidden ..."
      java "${spark_mlp_jvm_opts[@]}" "${spark_jvm_opts[@]}" -Dlog4j2.configurationFile="$root/conf/log4j2.properties" \
        -Dstepbench.master="$master" -Dstepbench.hidden="$hidden" -Dstepbench.jar="$app_jars" \
        -Dstepbench.executorOpts="${spark_jvm_opts[*]} ${spark_mlp_jit_gc_opts[*]}" \
        -cp "$test_cp" org.sparkmlp.bench.StepBench "$data" float32 "$steps" \
        >> "$out/floors.jsonl" 2> "$out/floors-$where-h${hidden/,/x}.log" \
        || log "StepBench $where $hidden failed (see $out/floors-$where-h${hidden/,/x}.log)"
    done
  done
  # The cost model's terms: a task per partition, every sum on the driver, at 2 … 128 tasks.
  for master in 'local[2]' "$SPARK_MASTER_URL"; do
    where=local; [[ "$master" == spark://* ]] && where=cluster
    log "StepBench tasks sweep, $where ..."
    java "${spark_mlp_jvm_opts[@]}" "${spark_jvm_opts[@]}" -Dlog4j2.configurationFile="$root/conf/log4j2.properties" \
      -Dstepbench.master="$master" -Dstepbench.jar="$app_jars" \
      -Dstepbench.executorOpts="${spark_jvm_opts[*]} ${spark_mlp_jit_gc_opts[*]}" \
      -cp "$test_cp" org.sparkmlp.bench.StepBench "$data" float32 "$((steps / 2))" tasks 2,8,32,128 \
      >> "$out/tasks.jsonl" 2> "$out/tasks-$where.log" || log "StepBench tasks $where failed (see $out/tasks-$where.log)"
  done
fi

{ python3 "$root/bench/cluster_table.py" "$out"; python3 "$root/bench/cost_model.py" "$out"; } | tee "$out/table.md"
