#!/usr/bin/env bash
# End-to-end epoch benchmark: the Fashion-MNIST run (784-100-10 tanh, batch 128) repeated, with the median
# seconds per epoch and test accuracy of the repeats. Needs: apt-get install -y dataset-fashion-mnist.
#   submit/benchmark.sh [repeats=3] [extra train options...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repeats="${1:-3}"; shift || true
data=/usr/share/datasets/fashion-mnist
[[ -d "$data" ]] || { echo "benchmark: $data is missing (apt-get install -y dataset-fashion-mnist)" >&2; exit 3; }
out="$root/target/benchmark"
rm -rf "$out"
for i in $(seq 1 "$repeats"); do
  "$root/submit/local.sh" train --data "$data" --hidden 100 --activation tanh --batch-size 128 --lr 0.1 \
    --lr-schedule inverse-time --lr-decay 1e-4 --epochs 10 --val-fraction 0.1 --seed 42 --master 'local[2]' \
    --out "$out/run-$i" "$@" > "$out.run-$i.log" 2>&1 || { cat "$out.run-$i.log" >&2; exit 1; }
done
python3 - "$out" "$repeats" <<'PY'
import json, statistics, sys
out, n = sys.argv[1], int(sys.argv[2])
runs = [json.load(open(f"{out}/run-{i}/summary.json")) for i in range(1, n + 1)]
spe = [r["seconds_per_epoch"] for r in runs]
print(f"runs {n}  seconds/epoch median {statistics.median(spe):.2f} (min {min(spe):.2f}, max {max(spe):.2f})  "
      f"test accuracy median {statistics.median(r['test_accuracy'] for r in runs):.4f}  BLAS {runs[0]['blas']}")
PY
