#!/usr/bin/env python3
"""Builds the cluster benchmark's table (markdown) from what bench/cluster.sh left in DIR.

    python3 bench/cluster_table.py target/benchmark-cluster
"""
import json
import os
import statistics
import sys

from table import load

ROWS = [("100", "1024", "784-100-10, batch 1024", 2.5),
        ("100", "128", "784-100-10, batch 128", 3.5),
        ("1024x1024", "1024", "784-1024-1024-10, batch 1024", 1.5)]


def epoch_seconds(run_dir):
    """Median training seconds of epochs 2.. (the first is the JIT's), or None."""
    try:
        with open(os.path.join(run_dir, "metrics.jsonl")) as f:
            epochs = [json.loads(line) for line in f if '"event":"epoch"' in line]
    except OSError:
        return None
    later = [e["train_seconds"] for e in epochs[1:]] or [e["train_seconds"] for e in epochs]
    return statistics.median(later) if later else None


def weights(run_dir):
    model = load(os.path.join(run_dir, "model.json"))
    return None if model is None else model.get("weights")


def breakdown(run_dir):
    return (load(os.path.join(run_dir, "summary.json")) or {}).get("step_breakdown") or {}


def f(x, digits=2, unit=""):
    return "—" if x is None else f"{x:.{digits}f}{unit}"


def main(out):
    env = {}
    try:
        with open(os.path.join(out, "env.txt")) as fh:
            env = dict(line.rstrip("\n").split("=", 1) for line in fh if "=" in line)
    except OSError:
        pass
    print(f"# Cluster benchmark ({env.get('date', '?')}, commit {env.get('commit', '?')}, load {env.get('load', '?')})")
    print()
    print(f"{env.get('cpu', '?')}, {env.get('cores', '?')} cores. local[2] against a standalone cluster of two 1-core"
          f" workers on the same machine; Fashion-MNIST, 2 partitions, {env.get('epochs', '?')} epochs, median of"
          " epochs 2 and later (training seconds).")
    print()
    print("| network, batch | local[2] epoch | cluster epoch | cluster / local (target) | same model |")
    print("|---|---|---|---|---|")
    for hidden, batch, label, target in ROWS:
        loc = os.path.join(out, f"epochs-local-h{hidden}-b{batch}")
        clu = os.path.join(out, f"epochs-cluster-h{hidden}-b{batch}")
        a, b = epoch_seconds(loc), epoch_seconds(clu)
        r = None if a is None or b is None else b / a
        wa, wb = weights(loc), weights(clu)
        same = "—" if wa is None or wb is None else ("bit for bit" if wa == wb else "**differs**")
        verdict = "—" if r is None else f"**{r:.2f}** (≤ {target}: {'met' if r <= target else 'missed'})"
        print(f"| {label} | {f(a, 3, ' s')} | {f(b, 3, ' s')} | {verdict} | {same} |")
    print()
    print("Where a step goes (summary.json's step_breakdown: medians per step and per task, ms):")
    print()
    keys = ["job_ms", "tasks_per_step", "task_ms", "launch_delay_ms", "scheduler_delay_ms", "deserialize_ms",
            "deserialize_cpu_ms", "run_ms", "run_cpu_ms", "result_kib", "driver_merge_ms", "gc_ms"]
    print("| run | " + " | ".join(k.replace("_ms", "").replace("_", " ") for k in keys) + " |")
    print("|---|" + "---|" * len(keys))
    for hidden, batch, label, _ in ROWS:
        for where in ("local", "cluster"):
            b = breakdown(os.path.join(out, f"epochs-{where}-h{hidden}-b{batch}"))
            print(f"| {label}, {where} | " + " | ".join(f(b.get(k), 1) for k in keys) + " |")
    print()

    parts = sorted({int(d.split("-p")[1].split("-")[0]) for d in os.listdir(out)
                    if d.startswith("partitions-") and os.path.isdir(os.path.join(out, d))})
    if parts:
        print("Partitions (784-100-10, batch 1024, depth 2 unless said): epoch, and its ratio to 2 partitions")
        print()
        print("| partitions | local[2] | local / 2 partitions | cluster | cluster / 2 partitions | same model |")
        print("|---|---|---|---|---|---|")
        base = {w: epoch_seconds(os.path.join(out, f"partitions-{w}-p2-d2")) for w in ("local", "cluster")}
        runs = [(p, 2) for p in parts] + [(128, d) for d in (1, 3)]
        for p, depth in runs:
            name = f"p{p}-d{depth}"
            a = epoch_seconds(os.path.join(out, f"partitions-local-{name}"))
            b = epoch_seconds(os.path.join(out, f"partitions-cluster-{name}"))
            if a is None and b is None:
                continue
            ra = None if a is None or not base["local"] else a / base["local"]
            rb = None if b is None or not base["cluster"] else b / base["cluster"]
            wa = weights(os.path.join(out, f"partitions-local-{name}"))
            wb = weights(os.path.join(out, f"partitions-cluster-{name}"))
            same = "—" if wa is None or wb is None else ("bit for bit" if wa == wb else "**differs**")
            label = f"{p}" + (f", depth {depth}" if depth != 2 else "")
            print(f"| {label} | {f(a, 3, ' s')} | {f(ra)} | {f(b, 3, ' s')} | {f(rb)} | {same} |")
        print()

    floors = []
    try:
        with open(os.path.join(out, "floors.jsonl")) as fh:
            floors = [json.loads(line) for line in fh if line.startswith("{")]
    except OSError:
        pass
    if floors:
        print("StepBench (float32, 2 partitions, a task per partition; medians, ms). Targets: step at 1024 ≤ 1.3 ×"
              " (ship + kernel512); step at 128 ≤ 1.3 × ship.")
        print()
        print("| where | network | bare | ship | kernel64 | kernel512 | step128 | step1024 |"
              " step1024 / (ship + kernel512) | step128 / ship |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        for d in floors:
            where = "cluster" if str(d.get("master", "")).startswith("spark://") else d.get("master", "?")
            r1 = d["step1024_ms"] / (d["ship_ms"] + d["kernel512_ms"])
            r2 = d["step128_ms"] / d["ship_ms"]
            print(f"| {where} | {d.get('network', '?')} | {f(d['bare_ms'])} | {f(d['ship_ms'])} |"
                  f" {f(d['kernel64_ms'])} | {f(d['kernel512_ms'])} | {f(d['step128_ms'])} | {f(d['step1024_ms'])} |"
                  f" {f(r1)} | {f(r2)} |")
        print()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "target/benchmark-cluster")
