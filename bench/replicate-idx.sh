#!/usr/bin/env bash
# Writes an IDX directory whose training set is K copies of another's, for memory and scaling checks:
#   bench/replicate-idx.sh K OUTDIR [SRCDIR]
# SRCDIR defaults to Fashion-MNIST (apt-get install -y dataset-fashion-mnist). The training images and labels
# are written uncompressed, K times over in order (so a split still sees every class in every partition); the
# t10k test pair is linked unchanged, so the test set stays the same whatever K is.
set -euo pipefail
if [[ $# -lt 2 || ! "$1" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 K OUTDIR [SRCDIR]   (K ≥ 1 copies of SRCDIR's training set)" >&2
  exit 2
fi
k="$1"
out="$2"
src="${3:-/usr/share/datasets/fashion-mnist}"
mkdir -p "$out"
python3 - "$k" "$src" "$out" <<'PY'
import gzip, os, struct, sys

k, src, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]

def find(name):
    for candidate in (name, name + ".gz"):
        path = os.path.join(src, candidate)
        if os.path.exists(path):
            return path
    sys.exit(f"{src}: has no {name}[.gz]")

def read(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        return f.read()

for name, magic, header in (("train-images-idx3-ubyte", 0x803, 16), ("train-labels-idx1-ubyte", 0x801, 8)):
    data = read(find(name))
    got, count = struct.unpack(">ii", data[:8])
    if got != magic:
        sys.exit(f"{name}: magic number 0x{got:08x} is not 0x{magic:08x}")
    body = memoryview(data)[header:]
    target = os.path.join(out, name)
    with open(target + ".tmp", "wb") as f:
        f.write(struct.pack(">ii", magic, count * k) + data[8:header])
        for _ in range(k):
            f.write(body)
    os.replace(target + ".tmp", target)
    print(f"{target}: {count * k} items ({k} × {count})")

for name in ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"):
    path = find(name)
    link = os.path.join(out, os.path.basename(path))
    if not os.path.lexists(link):
        os.symlink(os.path.abspath(path), link)
PY
