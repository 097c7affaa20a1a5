#!/usr/bin/env bash
# The scale benchmark (submit/benchmark.sh --scale runs it): does preparation and training grow linearly with the
# rows, and the driver's heap not at all? Synthetic classification data (org.sparkmlp.bench.SyntheticData: 10
# Gaussian clusters, separation 3, in 8 dimensions, written through Spark as Parquet and LIBSVM in 8 parts) of
# 1, 10 and 100 million rows, each trained on local[2] with the JVM's heap capped at 1 GB (in local mode the
# driver is the executor: this is --driver-memory 1g), batch 16,384, the sets cached as float32 blocks in memory
# with spill to disk. Per size: the generation time, then from summary.json and metrics.jsonl the preparation
# time, the passes over the rows, the driver's heap after preparation, the epoch time after the first epoch, and
# the cached sets' bytes in memory and on disk.
#   bench/scale.sh [--sizes 1000000,10000000,100000000] [--epochs 3] [--format parquet|libsvm] [--keep-data]
#                  [-- TRAIN OPTIONS]
# A size whose data and run would not fit on the disk of target/ (about 450 bytes a row: both formats, the raw
# rows' copy, the packing shuffle, the cache's spill) is skipped and said so. Data is generated once per size
# into target/benchmark-scale/data-N and removed after its run unless --keep-data. Writes target/benchmark-scale/:
# table.md, and every run's directory and log.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/target/benchmark-scale"

sizes=1000000,10000000,100000000 epochs=3 format=parquet keep=0
extra=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --sizes) sizes="$2"; shift ;;
    --epochs) epochs="$2"; shift ;;
    --format) format="$2"; shift ;;
    --keep-data) keep=1 ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "scale benchmark: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ "$format" == parquet || "$format" == libsvm ]] || { echo "scale benchmark: --format parquet or libsvm" >&2; exit 2; }

log() { echo "scale benchmark: $*" >&2; }
mkdir -p "$out"
rm -f "$out"/run-*.log "$out"/table.md
rm -rf "$out"/run-*
{
  echo "date=$(date -u +%Y-%m-%dT%H:%MZ)"
  echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "cores=$(nproc)"
  echo "load=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "epochs=$epochs"
  echo "format=$format"
} > "$out/env.txt"

source "$root/submit/spark-jvm-options.sh"
export OPENBLAS_NUM_THREADS=1
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"

log "building (jar, test classes, test classpath) ..."
(cd "$root" && mvn -q -B -DskipTests package dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$out/test-classpath.txt") > "$out/build.log" 2>&1 || { cat "$out/build.log" >&2; exit 1; }
test_cp="$root/target/test-classes:$root/target/classes:$(cat "$out/test-classpath.txt")"

IFS=, read -r -a ns <<< "$sizes"
for n in "${ns[@]}"; do
  data="$out/data-$n"
  free=$(( $(df -Pk "$out" | awk 'NR == 2 { print $4 }') * 1024 ))
  have=0; [[ -d "$data" ]] && have=$(du -sb "$data" | cut -f1)
  need=$((n * 450 - have))
  if (( need > free )); then
    log "$n rows: skipped, needs about $((need >> 30)) GB of disk, $((free >> 30)) GB free"
    echo "{\"rows\": $n, \"skipped\": \"needs about $((need >> 30)) GB of disk, $((free >> 30)) GB free\"}" \
      > "$out/run-$n.skipped.json"
    continue
  fi
  if [[ ! -f "$data/generated.json" ]]; then
    rm -rf "$data"
    log "$n rows: generating Parquet and LIBSVM ..."
    java "${spark_jvm_opts[@]}" -Xmx1g -Dlog4j2.configurationFile="$root/conf/log4j2.properties" -cp "$test_cp" \
      org.sparkmlp.bench.SyntheticData "$data" "$n" 8 10 3 8 1 parquet,libsvm 'local[2]' \
      > "$out/generate-$n.json" 2> "$out/generate-$n.log" || { tail -5 "$out/generate-$n.log" >&2; exit 1; }
    cp "$out/generate-$n.json" "$data/generated.json"
  fi
  log "$n rows: training $epochs epochs at batch 16384 on local[2], 1 GB heap ..."
  label=(--label-column label)
  [[ "$format" == libsvm ]] && label=(--features 8)
  SPARK_MLP_JAVA_OPTS="-Xmx1g" "$root/submit/local.sh" train --data "$data/$format" --format "$format" "${label[@]}" \
    --master 'local[2]' --batch-size 16384 --epochs "$epochs" --out "$out/run-$n" "${extra[@]}" \
    > "$out/run-$n.log" 2>&1 || { tail -5 "$out/run-$n.log" >&2; log "$n rows: the run failed (see run-$n.log)"; }
  du -sb "$data/$format" | cut -f1 > "$out/run-$n.input-bytes"
  [[ $keep -eq 1 ]] || rm -rf "$data"
done

python3 - "$out" > "$out/table.md" <<'PY'
import glob, json, os, statistics, sys
out = sys.argv[1]
env = dict(line.strip().split("=", 1) for line in open(os.path.join(out, "env.txt")) if "=" in line)
print(f"Scale benchmark, {env.get('date')}, {env.get('cpu')} ({env.get('cores')} cores), load at start "
      f"{env.get('load')}, commit {env.get('commit')}; {env.get('format')}, {env.get('epochs')} epochs, local[2], 1 GB heap, "
      "batch 16,384, 8-100-10 tanh, float32 blocks\n")
print("| rows | input | generated in | preparation | passes | epoch (after the 1st) | driver heap after preparation"
      " | cache in memory | cache on disk | test accuracy |")
print("|---|---|---|---|---|---|---|---|---|---|")
notes = []
def rows_of(path):
    name = os.path.basename(path if path.endswith(".skipped.json") else os.path.dirname(path))
    return int(name.split("-")[1].split(".")[0])
mb = lambda b: f"{b / 2**20:,.0f} MB"
for path in sorted(glob.glob(os.path.join(out, "run-*.skipped.json")) + glob.glob(os.path.join(out, "run-*/summary.json")),
                   key=rows_of):
    n = rows_of(path)
    if path.endswith(".skipped.json"):
        print(f"| {n:,} | skipped: {json.load(open(path))['skipped']} |||||||||")
        continue
    s = json.load(open(path))
    run = os.path.dirname(path)
    epochs = [json.loads(l) for l in open(os.path.join(run, "metrics.jsonl")) if '"epoch"' in l]
    epochs = [e for e in epochs if e.get("event") == "epoch"]
    later = [e["train_seconds"] for e in epochs[1:]] or [e["train_seconds"] for e in epochs]
    gen = os.path.join(out, f"generate-{n}.json")
    generated = f"{json.load(open(gen))['seconds']:.0f} s" if os.path.exists(gen) else "(kept)"
    size_file = os.path.join(out, f"run-{n}.input-bytes")
    size = mb(int(open(size_file).read())) if os.path.exists(size_file) else "?"
    print(f"| {n:,} | {size} | {generated} | {s['preparation_seconds']:.1f} s | {s['input_passes']:g} | "
          f"{statistics.median(later):.1f} s | {mb(s['driver_heap_bytes'])} | {mb(s['cached_memory_bytes'])} | "
          f"{mb(s['cached_disk_bytes'])} | {s['test_accuracy']:.4f} |")
print("\nIn local mode the driver's heap holds the executor's cache too: the cached blocks in memory are part of the "
      "driver heap's figure (Spark's estimate of their size is in the next column).")
PY
cat "$out/table.md"
