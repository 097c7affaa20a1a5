#!/usr/bin/env bash
# The estimator benchmark (submit/benchmark.sh --estimator runs it): org.sparkmlp.ml.MlpClassifier against MLlib's
# MultilayerPerceptronClassifier and against the training API that `train` runs, in one JVM on local[2]
# (src/test/java/org/sparkmlp/bench/EstimatorBench.java says exactly what is timed):
#   fit        to test accuracy 0.85 on Fashion-MNIST from a cached DataFrame: MLPC's defaults (L-BFGS,
#              784-100-10) against ours (the same layers, the fast preset's settings)
#   transform  rows per second of both models over 40,000 cached rows, every output column computed, for
#              784-100-10 and for 784-1024-1024-10
#   api        MlpClassifier.fit on the Parquet file's DataFrame against MlpTrainer.fit on the file, alternated
#   bench/estimator.sh [--quick]
# --quick: MLPC to 20 iterations and one round (a smoke run, not a measurement). Needs Java 17, Maven, python3 and
# Fashion-MNIST (apt-get install -y dataset-fashion-mnist). Writes target/benchmark-estimator/: table.md,
# estimator.json and the log.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data=/usr/share/datasets/fashion-mnist
out="$root/target/benchmark-estimator"
quick=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) quick=1 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "estimator benchmark: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ -f "$data/train-images-idx3-ubyte.gz" ]] || {
  echo "estimator benchmark: Fashion-MNIST is missing at $data (apt-get install -y dataset-fashion-mnist)" >&2; exit 3; }
mllib_iters=100 rounds=3
[[ $quick -eq 1 ]] && mllib_iters=20 rounds=1

source "$root/submit/spark-jvm-options.sh"
export OPENBLAS_NUM_THREADS=1
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
rm -rf "$out"
mkdir -p "$out"
echo "estimator benchmark: building ..." >&2
(cd "$root" && mvn -q -B -DskipTests package dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$out/test-classpath.txt") > "$out/build.log" 2>&1 || { cat "$out/build.log" >&2; exit 1; }
test_cp="$root/target/test-classes:$root/target/classes:$(cat "$out/test-classpath.txt")"
echo "estimator benchmark: running (several minutes; progress in $out/estimator.log) ..." >&2
java "${spark_jvm_opts[@]}" -Xmx4g -Dlog4j2.configurationFile="$root/conf/log4j2.properties" \
  -cp "$test_cp" org.sparkmlp.bench.EstimatorBench "$data" "$out/data" 2,3,4,6,8 "$mllib_iters" "$rounds" 'local[2]' \
  > "$out/estimator.json" 2> "$out/estimator.log" || { tail -30 "$out/estimator.log" >&2; exit 1; }
rm -rf "$out/data"
python3 - "$out" <<'PY'
import json, sys, statistics
out = sys.argv[1]
r = json.load(open(f"{out}/estimator.json"))
def first(fits):
    return next((f for f in fits if f["test_accuracy"] >= 0.85), None)
o, m = first(r["ours_fits"]), first(r["mllib_fits"])
fmt = lambda f: f"{f['seconds']:.1f} s (maxIter {f['max_iter']}, test accuracy {f['test_accuracy']:.4f})" if f else "not reached"
lines = [
    "| figure | MlpClassifier | MLlib MLPC | ratio (target) |",
    "|---|---|---|---|",
    f"| fit to test accuracy 0.85 | {fmt(o)} | {fmt(m)} | "
    + (f"**{r['fit_speedup']:.1f} ×** faster (≥ 15)" if r["fit_speedup"] else "—") + " |",
    f"| transform, rows per second ({r['transform_rows']:,} rows) | {r['ours_transform_rows_per_second']:,.0f} | "
    f"{r['mllib_transform_rows_per_second']:,.0f} | **{r['transform_speedup']:.1f} ×** (≥ 5) |",
    f"| transform, rows per second, 784-1024-1024-10 | {r['ours_wide_transform_rows_per_second']:,.0f} | "
    f"{r['mllib_wide_transform_rows_per_second']:,.0f} | **{r['wide_transform_speedup']:.1f} ×** |",
    "",
    "| figure | MlpClassifier.fit (DataFrame) | MlpTrainer.fit (file, as `train`) | ratio (target) |",
    "|---|---|---|---|",
    f"| fit, {r['versus_api_epochs']} epochs, median of {len(r['api_fit_seconds'])} | "
    f"{statistics.median(r['estimator_fit_seconds']):.2f} s | {statistics.median(r['api_fit_seconds']):.2f} s | "
    f"**{r['estimator_over_api']:.2f}** (≤ 1.2) |",
]
open(f"{out}/table.md", "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
