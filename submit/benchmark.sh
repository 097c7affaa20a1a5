#!/usr/bin/env bash
# The side-by-side benchmark: one run, the same Fashion-MNIST data, one table with ratios.
#   PyTorch reference (bench/pytorch_mlp.py)     same network and schedule, one thread, batch 128 and 1024
#   MLlib MultilayerPerceptronClassifier         [784,100,10], its default L-BFGS, local[2]
#   JMH: GemmBench, KernelBench                  gemm rate of the five products vs our kernel, m = 64 … 4096
#   ours, end to end (submit/local.sh train)     batch 128 and 1024, float64 and float32, each between two
#                                                runs of PyTorch's batch 128 float32, the epoch ratios' reference
#   StepBench (when built)                       Spark's floor and our step
#   scaling (submit/local.sh train)              batch 1024 on the training set ×1, ×2, ×4 (bench/replicate-idx.sh),
#                                                the default heap, two rounds: is the epoch linear in rows?
# Needs Java 17, Maven, python3, the data (apt-get install -y dataset-fashion-mnist), OpenBLAS for the native
# BLAS (apt-get install -y libopenblas0-pthread) and, for the PyTorch row, apt-get install -y python3-torch.
#
#   submit/benchmark.sh [--quick] [--skip-torch] [--skip-mllib] [--skip-jmh] [--skip-ours] [--skip-scaling]
#                       [-- TRAIN OPTIONS]
#   submit/benchmark.sh --cluster [--quick] [--skip-partitions] [--skip-floors]
#   submit/benchmark.sh --estimator [--quick]
#   submit/benchmark.sh --scale [--sizes 1000000,10000000,100000000] [--epochs 3] [--format parquet|libsvm]
#                       [--keep-data] [-- TRAIN OPTIONS]
#
# --cluster runs the cluster benchmark instead (bench/cluster.sh): a 2-worker standalone cluster started by
# submit/standalone.sh against local[2], epochs, partitions and Spark's floors side by side, in
# target/benchmark-cluster/.
#
# --estimator runs the Spark ML estimator's benchmark instead (bench/estimator.sh): MlpClassifier against MLlib's
# MultilayerPerceptronClassifier (fit to 0.85, transform rows per second) and against the training API, in
# target/benchmark-estimator/.
#
# --scale runs the scale benchmark instead (bench/scale.sh): synthetic data of 1, 10 and 100 million rows × 8
# features, 10 classes, each trained on local[2] with a 1 GB heap at batch 16,384; preparation time, passes, epoch
# time, the driver's heap and the cache's size in memory and on disk, in target/benchmark-scale/.
#
# --quick runs fewer epochs and iterations and shorter JMH settings (a smoke run, not a measurement).
# Options after -- go to every `train` run of ours (e.g. -- --partitions 4); a --precision given there
# replaces the two-precision sweep. STEP_JSON=FILE merges a StepBench result measured elsewhere.
# Writes target/benchmark/: the table (table.md) and every part's raw JSON and log.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data=/usr/share/datasets/fashion-mnist
out="$root/target/benchmark"

if [[ "${1:-}" == --cluster ]]; then
  shift
  exec "$root/bench/cluster.sh" "$@"
fi
if [[ "${1:-}" == --estimator ]]; then
  shift
  exec "$root/bench/estimator.sh" "$@"
fi
if [[ "${1:-}" == --scale ]]; then
  shift
  exec "$root/bench/scale.sh" "$@"
fi

quick=0 skip_torch=0 skip_mllib=0 skip_jmh=0 skip_ours=0 skip_scaling=0
extra=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) quick=1 ;;
    --skip-torch) skip_torch=1 ;;
    --skip-mllib) skip_mllib=1 ;;
    --skip-jmh) skip_jmh=1 ;;
    --skip-ours) skip_ours=1 ;;
    --skip-scaling) skip_scaling=1 ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "benchmark: unknown option '$1' (see --help; train options go after --)" >&2; exit 2 ;;
  esac
  shift
done

[[ -f "$data/train-images-idx3-ubyte.gz" ]] || {
  echo "benchmark: Fashion-MNIST is missing at $data (apt-get install -y dataset-fashion-mnist)" >&2; exit 3; }

if [[ $quick -eq 1 ]]; then
  epochs=3 mllib_iters=5 step_count=100 jmh_opts=(-f 1 -wi 1 -i 2 -w 500ms -r 500ms) scaling_epochs=4
else
  epochs=10 mllib_iters=50,100 step_count=400 jmh_opts=(-f 1 -wi 3 -i 5 -w 1s -r 1s) scaling_epochs=24
fi

# The JVM options Spark needs on Java 17.
source "$root/submit/spark-jvm-options.sh"
# One BLAS thread per task: Spark already runs a task per core, and PyTorch is pinned to one thread too.
export OPENBLAS_NUM_THREADS=1
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"

rm -rf "$out"
mkdir -p "$out"
log() { echo "benchmark: $*" >&2; }

# Environment, for the table's header.
{
  echo "date=$(date -u +%Y-%m-%dT%H:%MZ)"
  echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "cores=$(nproc)"
  echo "load=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "java=$(java -version 2>&1 | head -1)"
  echo "quick=$quick"
} > "$out/env.txt"

log "building (jar, test classes, test classpath) ..."
(cd "$root" && mvn -q -B -DskipTests package dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$out/test-classpath.txt") > "$out/build.log" 2>&1 || { cat "$out/build.log" >&2; exit 1; }
test_cp="$root/target/test-classes:$root/target/classes:$(cat "$out/test-classpath.txt")"
run_java() { java "${spark_jvm_opts[@]}" -Dlog4j2.configurationFile="$root/conf/log4j2.properties" -cp "$test_cp" "$@"; }

# 1. PyTorch: the first python3 on PATH that has torch, else Debian's own.
if [[ $skip_torch -eq 1 ]]; then
  echo "skipped (--skip-torch)" > "$out/pytorch.skipped"
else
  py=""
  for p in python3 /usr/bin/python3; do
    if command -v "$p" >/dev/null && "$p" -c 'import torch' 2>/dev/null; then py="$p"; break; fi
  done
  if [[ -z "$py" ]]; then
    echo "skipped: no python3 with torch (apt-get install -y python3-torch)" > "$out/pytorch.skipped"
    log "PyTorch: skipped (python3-torch is not installed)"
  else
    log "PyTorch ($py), $epochs epochs × 3 configurations ..."
    "$py" "$root/bench/pytorch_mlp.py" --data "$data" --epochs "$epochs" > "$out/pytorch.json" 2> "$out/pytorch.log" \
      || { cat "$out/pytorch.log" >&2; echo "failed: see pytorch.log" > "$out/pytorch.skipped"; rm -f "$out/pytorch.json"
           py=""; }
  fi
fi

# PyTorch's batch-128 float32 run again, right before and right after each run of ours: the epoch ratios compare
# ours with the PyTorch epochs around it, so that the machine's load, which changes from minute to minute on a
# shared machine, is nearly the same on both sides. pytorch-pair-NAME-before.json and -after.json.
torch_pair() {
  [[ -n "${py:-}" ]] || return 0
  "$py" "$root/bench/pytorch_mlp.py" --data "$data" --epochs "$epochs" --configs f32-128 \
    > "$out/pytorch-pair-$1.json" 2>> "$out/pytorch.log" || rm -f "$out/pytorch-pair-$1.json"
}

# 2. MLlib.
if [[ $skip_mllib -eq 1 ]]; then
  echo "skipped (--skip-mllib)" > "$out/mllib.skipped"
else
  log "MLlib L-BFGS, maxIter $mllib_iters ..."
  mkdir -p "$out/mllib"
  run_java -Xmx3g org.sparkmlp.bench.MllibBaseline "$data" "$out/mllib" "$mllib_iters" 'local[2]' 2 \
    > "$out/mllib.json" 2> "$out/mllib.log" \
    || { tail -20 "$out/mllib.log" >&2; echo "failed: see mllib.log" > "$out/mllib.skipped"; rm -f "$out/mllib.json"; }
  rm -rf "$out/mllib"
fi

# 3. JMH: every benchmark class built (GemmBench, and KernelBench once the kernel API is in).
if [[ $skip_jmh -eq 1 ]]; then
  echo "skipped (--skip-jmh)" > "$out/jmh.skipped"
else
  log "JMH: GemmBench and KernelBench (${jmh_opts[*]}) ..."
  # One size at a time, so that gemm and the kernel of each size run within seconds of each other: on a shared
  # machine, minutes apart (all gemm sizes, then all kernel sizes) the ratio moved by more than the target's margin.
  : > "$out/jmh.log"
  jmh_ok=1
  for m in 64 128 256 1024 4096; do
    run_java -Xmx1g org.openjdk.jmh.Main 'org\.sparkmlp\.bench\.(Gemm|Kernel)Bench' -p "m=$m" "${jmh_opts[@]}" \
      -jvmArgs "-Xmx1g ${spark_jvm_opts[*]}" -rf json -rff "$out/jmh-m$m.json" >> "$out/jmh.log" 2>&1 \
      || { jmh_ok=0; break; }
  done
  if [[ $jmh_ok -eq 1 ]]; then
    python3 -c 'import json, sys; print(json.dumps([b for f in sys.argv[1:] for b in json.load(open(f))], indent=1))' \
      "$out"/jmh-m*.json > "$out/jmh.json"
  else
    tail -20 "$out/jmh.log" >&2; echo "failed: see jmh.log" > "$out/jmh.skipped"
  fi
fi

# 4. Ours, end to end: batch 128 (lr 0.1) and 1024 (lr 0.5), in both precisions when train has --precision.
precisions=(default)
given_precision=""
for ((i = 0; i < ${#extra[@]}; i++)); do
  case "${extra[i]}" in
    --precision) given_precision="${extra[i + 1]:-}" ;;
    --precision=*) given_precision="${extra[i]#--precision=}" ;;
  esac
done
if [[ -n "$given_precision" ]]; then
  precisions=(given)
elif "$root/submit/local.sh" train --help 2>&1 | grep -q -- '--precision'; then
  precisions=(float64 float32)
fi
if [[ $skip_ours -eq 1 ]]; then
  echo "skipped (--skip-ours)" > "$out/ours.skipped"
else
  for precision in "${precisions[@]}"; do
    for run in 128:0.1 1024:0.5; do
      batch="${run%%:*}" lr="${run##*:}"
      dir="$out/ours-$precision-$batch"
      opts=()
      [[ $precision == float* ]] && opts=(--precision "$precision")
      log "ours: batch $batch, lr $lr, $precision, $epochs epochs (PyTorch's batch 128 before and after) ..."
      torch_pair "$precision-$batch-before"
      /usr/bin/time -f '{"wall_seconds": %e, "user_seconds": %U, "system_seconds": %S, "max_rss_kb": %M}' \
        -o "$dir.time.json" \
        "$root/submit/local.sh" train --data "$data" --hidden 100 --activation tanh --batch-size "$batch" --lr "$lr" \
        --lr-schedule inverse-time --lr-decay 1e-4 --epochs "$epochs" --val-fraction 0.1 --seed 42 \
        --master 'local[2]' --out "$dir" "${opts[@]}" ${extra[@]+"${extra[@]}"} > "$dir.log" 2>&1 \
        || { tail -20 "$dir.log" >&2; log "ours: batch $batch $precision failed (see $dir.log)"; }
      torch_pair "$precision-$batch-after"
    done
  done
fi

# 5. The floor and our step: StepBench when it is built, or a result given in STEP_JSON.
if [[ -n "${STEP_JSON:-}" ]]; then
  cp "$STEP_JSON" "$out/step.json"
elif [[ -f "$root/target/test-classes/org/sparkmlp/bench/StepBench.class" ]]; then
  step_precisions=(float64 float32)
  [[ -n "$given_precision" ]] && step_precisions=("$given_precision")
  [[ ${precisions[0]} == default ]] && step_precisions=(float64)
  for precision in "${step_precisions[@]}"; do
    log "StepBench: Spark's floor and our step, $precision, $step_count steps per figure ..."
    run_java "${spark_mlp_jvm_opts[@]}" org.sparkmlp.bench.StepBench "$data" "$precision" "$step_count" \
      >> "$out/step.out" \
      2> "$out/step-$precision.log" || log "StepBench $precision failed (see step-$precision.log)"
  done
  if [[ -s "$out/step.out" ]]; then cp "$out/step.out" "$out/step.json"; fi
fi

# 6. Scaling: the same run on the training set ×1, ×2 and ×4, under submit/local.sh's default heap and the default
# precision (or what follows --). Batch 1024, so that a step's work, not Spark's per-job floor, decides the epoch.
# Each size trains for about the same time (×K: scaling_epochs / K epochs), so that a busy spell of the machine
# weighs alike on all three, in two rounds (×1, ×2, ×4, then again). bench/table.py takes the median of each size's
# epochs that start after the JIT's warm-up (its first 400 steps: 8 epochs at ×1, 2 at ×4).
if [[ $skip_scaling -eq 1 ]]; then
  echo "skipped (--skip-scaling)" > "$out/scaling.skipped"
else
  for k in 2 4; do
    log "scaling: writing the training set ×$k ..."
    "$root/bench/replicate-idx.sh" "$k" "$out/scaling-data-x$k" "$data" > /dev/null
  done
  for round in 1 2; do
    for k in 1 2 4; do
      source_dir="$data"
      [[ $k -gt 1 ]] && source_dir="$out/scaling-data-x$k"
      dir="$out/scaling-x$k-round$round"
      k_epochs=$((scaling_epochs / k))
      log "scaling: ×$k, round $round, batch 1024, $k_epochs epochs ..."
      /usr/bin/time -f '{"wall_seconds": %e, "user_seconds": %U, "system_seconds": %S, "max_rss_kb": %M}' \
        -o "$dir.time.json" \
        "$root/submit/local.sh" train --data "$source_dir" --hidden 100 --activation tanh --batch-size 1024 --lr 0.5 \
        --lr-schedule inverse-time --lr-decay 1e-4 --epochs "$k_epochs" --val-fraction 0.1 --seed 42 \
        --master 'local[2]' --out "$dir" ${extra[@]+"${extra[@]}"} > "$dir.log" 2>&1 \
        || { tail -5 "$dir.log" >&2; log "scaling: ×$k round $round failed (see $dir.log)"; }
    done
  done
  rm -rf "$out"/scaling-data-x*
fi

python3 "$root/bench/table.py" "$out" | tee "$out/table.md"
