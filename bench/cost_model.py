#!/usr/bin/env python3
"""The step cost model of docs/scaling.md, fitted to what bench/cluster.sh measured, checked against the measured
epochs, and its predictions for larger clusters.

    python3 bench/cost_model.py target/benchmark-cluster

A synchronous step of T tasks on C cores, over a batch of B rows of a network of n parameters, costs

    step = a + b·T + c·n·T + k_n·n·B/min(T, C)

a: the job's fixed cost (scheduling, the round trip to the executors, the weights in the task); b: what each
further task adds (launch, status update, bookkeeping on the driver); c: what each task's result costs per
parameter (8 bytes a parameter: serialised, moved, deserialised and merged on the driver); k_n: the kernel's time
per row and parameter on one core (tasks run in parallel, so one core's share is what the step waits for).
a and b come from StepBench's bare job at 2 … 128 tasks (least squares over T), c from the ship floor's extra
slope over the bare job's, k_n from StepBench's kernel for each network. An epoch is ⌈N/B⌉ steps.
With T one-core executors the step is least at T* = sqrt(k·n·B / (b + c·n)): beyond it another executor
costs more in tasks and results than it saves in kernel time.
"""
import json
import os
import statistics
import sys

from cluster_table import epoch_seconds as epoch

TRAIN_ROWS = 54_000
FEATURES = 784
CLASSES = 10
CORES = 2


def params(hidden):
    sizes = [FEATURES] + hidden + [CLASSES]
    return sum(sizes[i] * sizes[i + 1] + sizes[i + 1] for i in range(len(sizes) - 1))


def line(xs, ys):
    """Least-squares intercept and slope."""
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else 0.0
    return my - slope * mx, slope


def load_lines(path):
    try:
        with open(path) as f:
            return [json.loads(x) for x in f if x.startswith("{")]
    except OSError:
        return []


def hidden_of(network):
    return [int(h) for h in network.split(" ")[0].split("-")[1:-1]]


class Model:
    def __init__(self, tasks, floors, n0):
        ts = [d["partitions"] for d in tasks]
        self.a, self.b = line(ts, [d["bare_ms"] for d in tasks])
        _, ship_slope = line(ts, [d["ship_ms"] for d in tasks])
        self.c = max(0.0, ship_slope - self.b) / n0
        # The job's fixed cost as the floors of each network measured it, by parameters (the weights ride in the
        # task): a(n) = bare + (ship - bare - c·n·T) at T = 2.
        self.fixed = {}
        self.k = {}
        for d in floors:
            n = params(hidden_of(d["network"]))
            self.fixed[n] = max(self.a, d["ship_ms"] - self.c * n * d["partitions"] - self.b * d["partitions"])
            self.k[n] = d["kernel512_ms"] / (512 * n)

    def step(self, t, batch, n, cores=CORES, driver_tasks=None):
        k = self.k.get(n) or statistics.fmean(self.k.values())
        fixed = self.fixed.get(n, self.a)
        d = t if driver_tasks is None else driver_tasks
        return fixed + self.b * t + self.c * n * d + k * n * batch / min(t, cores)


def main(out):
    floors = load_lines(os.path.join(out, "floors.jsonl"))
    tasks = load_lines(os.path.join(out, "tasks.jsonl"))
    n0 = params([100])
    models = {}
    for where in ("local", "cluster"):
        t = [d for d in tasks if d["master"].startswith("spark://") == (where == "cluster")]
        f = [d for d in floors if d["master"].startswith("spark://") == (where == "cluster")]
        if len(t) >= 2 and f:
            models[where] = Model(t, f, n0)
    if not models:
        print("cost model: needs floors.jsonl and tasks.jsonl from bench/cluster.sh")
        return
    print("# Step cost model (fitted)")
    print()
    print("| master | a: per job, 784-100-10 (ms) | a: per job, 784-1024-1024-10 (ms) | b: per task (ms) |"
          " c·n: per 784-100-10 result (ms) | k: kernel (ns per row·parameter) |")
    print("|---|---|---|---|---|---|")
    wide = params([1024, 1024])
    for where, m in models.items():
        print(f"| {where} | {m.fixed.get(n0, m.a):.2f} | {m.fixed.get(wide, float('nan')):.2f} | {m.b:.2f} |"
              f" {m.c * n0:.2f} | {m.k.get(n0, float('nan')) * 1e6:.4f} |")
    print()
    print("Model against the measured epochs (2 partitions: 2 tasks; training seconds, median of epochs 2..):")
    print()
    print("| run | measured | model | error |")
    print("|---|---|---|---|")
    for hidden, batch in (([100], 1024), ([100], 128), ([1024, 1024], 1024)):
        for where, m in models.items():
            measured = epoch(os.path.join(out, f"epochs-{where}-h{'x'.join(map(str, hidden))}-b{batch}"))
            if measured is None:
                continue
            n = params(hidden)
            predicted = -(-TRAIN_ROWS // batch) * m.step(2, batch, n) / 1000
            print(f"| {'-'.join(map(str, [FEATURES] + hidden + [CLASSES]))}, batch {batch}, {where} |"
                  f" {measured:.3f} s | {predicted:.3f} s | {(predicted - measured) / measured * 100:+.0f} % |")
    print()
    m = models.get("cluster")
    if m is None:
        return
    print("Predicted epoch (54,000 rows) on T one-core executors, a task each; above 32 tasks depth 2 leaves the"
          " driver about √T results. T*: the executors beyond which a step gets slower at that batch.")
    print()
    print("| network | batch | T=2 | T=8 | T=32 | T=128 | T* |")
    print("|---|---|---|---|---|---|---|")
    for hidden in ([100], [1024, 1024]):
        n = params(hidden)
        k = m.k.get(n) or statistics.fmean(m.k.values())
        for batch in (1024, 8192, 65536):
            cells = []
            for t in (2, 8, 32, 128):
                driver = t if t <= 32 else round(t ** 0.5)
                cells.append(f"{-(-TRAIN_ROWS // batch) * m.step(t, batch, n, cores=t, driver_tasks=driver) / 1000:.2f} s")
            t_star = (k * n * batch / (m.b + m.c * n)) ** 0.5
            print(f"| {'-'.join(map(str, [FEATURES] + hidden + [CLASSES]))} | {batch} | " + " | ".join(cells)
                  + f" | {t_star:.0f} |")
    print()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "target/benchmark-cluster")
