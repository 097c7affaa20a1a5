#!/usr/bin/env python3
"""PyTorch reference for the spark-mlp benchmark: the same network and schedule as the Fashion-MNIST run.

784-100-10, tanh, softmax cross-entropy (mean over the batch), plain SGD, learning rate
lr0 / (1 + 1e-4 * t) with t the step from 0, inputs / 255, Glorot-uniform weights and zero biases,
one thread. The 60,000 training rows are split, stratified by class with a seeded permutation, into
54,000 train and 6,000 validation rows (600 per class); the 10,000 t10k rows are the test set. Every
epoch visits the training rows once in a fresh random order; the last batch is partial (422 steps at 128).

Prints one JSON object: per configuration, seconds per epoch (median of epochs 2.. and the first), test
accuracy, validation accuracy per epoch and the training seconds (cumulative, validation excluded) until the
validation accuracy first reaches 0.85.

    python3 bench/pytorch_mlp.py [--data DIR] [--epochs 10] [--configs f32-128,f64-128,f32-1024]
"""
import argparse
import gzip
import json
import os
import statistics
import struct
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402

CONFIGS = {  # name: (dtype, batch, lr0)
    "f32-128": (torch.float32, 128, 0.1),
    "f64-128": (torch.float64, 128, 0.1),
    "f32-1024": (torch.float32, 1024, 0.5),
}


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, count = struct.unpack(">II", data[:8])
    if magic == 0x803:
        rows, cols = struct.unpack(">II", data[8:16])
        return np.frombuffer(data, dtype=np.uint8, offset=16).reshape(count, rows * cols)
    if magic == 0x801:
        return np.frombuffer(data, dtype=np.uint8, offset=8).astype(np.int64)
    raise ValueError(f"{path}: not an IDX images or labels file (magic {magic:#x})")


def load(data_dir, seed, val_fraction=0.1):
    x = read_idx(os.path.join(data_dir, "train-images-idx3-ubyte.gz"))
    y = read_idx(os.path.join(data_dir, "train-labels-idx1-ubyte.gz"))
    xt = read_idx(os.path.join(data_dir, "t10k-images-idx3-ubyte.gz"))
    yt = read_idx(os.path.join(data_dir, "t10k-labels-idx1-ubyte.gz"))
    rng = np.random.default_rng(seed)
    val = []
    for c in np.unique(y):
        rows = np.flatnonzero(y == c)
        val.append(rng.permutation(rows)[: int(round(len(rows) * val_fraction))])
    val = np.sort(np.concatenate(val))
    train = np.setdiff1d(np.arange(len(y)), val)
    return (x[train], y[train]), (x[val], y[val]), (xt, yt)


def tensors(xy, dtype):
    x, y = xy
    return torch.from_numpy(x.astype(np.float64) / 255.0).to(dtype), torch.from_numpy(y)


def accuracy(model, x, y):
    with torch.no_grad():
        return (model(x).argmax(dim=1) == y).double().mean().item()


def run(name, sets, epochs, seed, decay=1e-4, target=0.85):
    dtype, batch, lr0 = CONFIGS[name]
    torch.manual_seed(seed)
    (xtr, ytr), (xva, yva), (xte, yte) = (tensors(s, dtype) for s in sets)
    model = torch.nn.Sequential(torch.nn.Linear(784, 100), torch.nn.Tanh(), torch.nn.Linear(100, 10)).to(dtype)
    for layer in (model[0], model[2]):
        torch.nn.init.xavier_uniform_(layer.weight)
        torch.nn.init.zeros_(layer.bias)
    loss_fn = torch.nn.CrossEntropyLoss()
    opt = torch.optim.SGD(model.parameters(), lr=lr0)
    n = xtr.shape[0]
    step, seconds, val_acc, to_target = 0, [], [], None
    for epoch in range(epochs):
        start = time.perf_counter()
        order = torch.randperm(n)
        for i in range(0, n, batch):
            idx = order[i:i + batch]
            for g in opt.param_groups:
                g["lr"] = lr0 / (1.0 + decay * step)
            opt.zero_grad(set_to_none=True)
            loss_fn(model(xtr[idx]), ytr[idx]).backward()
            opt.step()
            step += 1
        seconds.append(time.perf_counter() - start)
        val_acc.append(accuracy(model, xva, yva))
        if to_target is None and val_acc[-1] >= target:
            to_target = sum(seconds)
    return {
        "dtype": str(dtype).replace("torch.", ""), "batch": batch, "lr": lr0, "epochs": epochs, "steps": step,
        "seconds_per_epoch": statistics.median(seconds[1:] or seconds),
        "mean_seconds_per_epoch": sum(seconds) / len(seconds),
        "first_epoch_seconds": seconds[0], "epoch_seconds": seconds,
        "test_accuracy": accuracy(model, xte, yte), "val_accuracy": val_acc,
        "seconds_to_val_085": to_target,
    }


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--configs", default=",".join(CONFIGS))
    a = p.parse_args()
    torch.set_num_threads(1)
    sets = load(a.data, a.seed)
    out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "train_rows": len(sets[0][1]),
           "val_rows": len(sets[1][1]), "test_rows": len(sets[2][1]), "split": "stratified, seeded", "runs": {}}
    for name in a.configs.split(","):
        out["runs"][name] = run(name, sets, a.epochs, a.seed)
        print(f"pytorch {name}: {out['runs'][name]['seconds_per_epoch']:.3f} s/epoch", file=sys.stderr)
    json.dump(out, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
