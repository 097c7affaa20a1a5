#!/usr/bin/env python3
"""The step cost model of docs/scaling.md, fitted to what bench/cluster.sh measured, checked against the measured
epochs, and its predictions for larger clusters.

    python3 bench/cost_model.py target/benchmark-cluster

A synchronous step of T tasks, each over r = B/T rows of a network of n parameters, costs

    step(T, B) = a + b·T + c·T·S + k·n·r        (per job, per task, per result byte, per row-parameter)

where S is a task's result (8·n bytes: sums are doubles), a the job's fixed cost (the driver's scheduling and the
round trip to an executor), b what each further task adds on the driver (launch, status, bookkeeping), c what a
result byte costs to move and merge (serialisation, network, the driver's deserialisation and additions), and
k the kernel's time per row and parameter on one core (tasks run in parallel on T cores, so one task's share is
what the step waits for). a, b, c are fitted per master (local[2], cluster) by least squares to StepBench's
"tasks" sweep (bare job, ship floor, step at P tasks); k from its kernel figures. An epoch is N/B steps plus the
evaluation of the validation set. With T executors of one core (a task per executor) the model predicts the
epoch, and the batch below which one more executor stops paying: d step / dT = 0 at T*² = k·n·B / (b + c·S).
"""
import json
import os
import statistics
import sys

TRAIN_ROWS = 54_000
FEATURES = 784
CLASSES = 10


def params(hidden):
    sizes = [FEATURES] + hidden + [CLASSES]
    return sum(sizes[i] * sizes[i + 1] + sizes[i + 1] for i in range(len(sizes) - 1))


def lstsq(rows, ys):
    """Least squares for small dense systems (normal equations, Gauss-Jordan)."""
    m = len(rows[0])
    ata = [[sum(r[i] * r[j] for r in rows) for j in range(m)] for i in range(m)]
    aty = [sum(r[i] * y for r, y in zip(rows, ys)) for i in range(m)]
    for i in range(m):
        p = max(range(i, m), key=lambda k: abs(ata[k][i]))
        ata[i], ata[p], aty[i], aty[p] = ata[p], ata[i], aty[p], aty[i]
        for k in range(m):
            if k != i and ata[i][i] != 0:
                f = ata[k][i] / ata[i][i]
                ata[k] = [x - f * y for x, y in zip(ata[k], ata[i])]
                aty[k] -= f * aty[i]
    return [aty[i] / ata[i][i] if ata[i][i] else 0.0 for i in range(m)]


def load_lines(path):
    try:
        with open(path) as f:
            return [json.loads(line) for line in f if line.startswith("{")]
    except OSError:
        return []


def fit(tasks, n):
    """(a, b, c·S) in ms from the bare and ship jobs at several task counts: bare = a + b·T, ship = a + (b + cS)·T."""
    bare = lstsq([[1.0, d["partitions"]] for d in tasks], [d["bare_ms"] for d in tasks])
    ship = lstsq([[1.0, d["partitions"]] for d in tasks], [d["ship_ms"] for d in tasks])
    a = bare[0]
    b = bare[1]
    c_s = max(0.0, ship[1] - bare[1])
    return a, b, c_s, ship[0] - bare[0]


def main(out):
    floors = load_lines(os.path.join(out, "floors.jsonl"))
    tasks = load_lines(os.path.join(out, "tasks.jsonl"))
    if not floors or not tasks:
        print("cost model: needs floors.jsonl and tasks.jsonl (bench/cluster.sh)")
        return
    narrow = params([100])
    # k: kernel ms per row-parameter, from StepBench's kernel on 512 rows (one partition's share of 1024).
    ks = [d["kernel512_ms"] / (512 * params([int(h) for h in d["network"].split("-")[1:-1]]))
          for d in floors if d.get("master") == "local[2]"]
    k = statistics.median(ks)
    model = {}
    for where in ("local", "cluster"):
        mine = [d for d in tasks if (d["master"].startswith("spark://")) == (where == "cluster")]
        if mine:
            model[where] = fit(mine, narrow)
    print("# Step cost model (fitted)")
    print()
    print(f"kernel k = {k * 1e6:.3f} ns per row and parameter (one core, float32)")
    print()
    print("| master | a: per job (ms) | b: per task (ms) | c·S: per 636 KB result (ms) | weights in the task (ms) |")
    print("|---|---|---|---|---|")
    for where, (a, b, c_s, w) in model.items():
        print(f"| {where} | {a:.2f} | {b:.2f} | {c_s:.2f} | {w:.2f} |")
    print()

    def step(where, t, batch, n, driver_tasks=None):
        a, b, c_s, w = model[where]
        s_scale = n / narrow  # result bytes grow with the parameters
        d = t if driver_tasks is None else driver_tasks
        return a + w * s_scale + b * t + c_s * s_scale * d + k * n * batch / t

    # Check against the measured epochs (training seconds, median of epochs 2..) of the table's rows.
    print("| run | measured epoch | model | error |")
    print("|---|---|---|---|")
    for hidden, batch in (([100], 1024), ([100], 128), ([1024, 1024], 1024)):
        for where in ("local", "cluster"):
            if where not in model:
                continue
            name = f"epochs-{where}-h{'x'.join(map(str, hidden))}-b{batch}"
            measured = epoch(os.path.join(out, name))
            if measured is None:
                continue
            n = params(hidden)
            steps = -(-TRAIN_ROWS // batch)
            predicted = steps * step(where, 2, batch, n) / 1000
            err = (predicted - measured) / measured
            print(f"| {'-'.join(map(str, [FEATURES] + hidden + [CLASSES]))}, batch {batch}, {where} |"
                  f" {measured:.3f} s | {predicted:.3f} s | {err * 100:+.0f} % |")
    print()
    if "cluster" not in model:
        return
    a, b, c_s, w = model["cluster"]
    print("Predicted epoch on T one-core executors (a task each; depth 2 above 32 tasks: the driver merges about √T"
          " sums), 54,000 rows:")
    print()
    print("| network | batch | T=2 | T=8 | T=32 | T=128 | T* (batch where T executors stop paying) |")
    print("|---|---|---|---|---|---|---|")
    for hidden in ([100], [1024, 1024]):
        n = params(hidden)
        s_scale = n / narrow
        for batch in (1024, 8192, 65536):
            cells = []
            for t in (2, 8, 32, 128):
                driver = t if t <= 32 else int(round(t ** 0.5))
                steps = -(-TRAIN_ROWS // batch)
                cells.append(f"{steps * step('cluster', t, batch, n, driver) / 1000:.2f} s")
            t_star = (k * n * batch / (b + c_s * s_scale)) ** 0.5
            print(f"| {'-'.join(map(str, [FEATURES] + hidden + [CLASSES]))} | {batch} | " + " | ".join(cells)
                  + f" | {t_star:.0f} |")
    print()


def epoch(run_dir):
    try:
        with open(os.path.join(run_dir, "metrics.jsonl")) as f:
            epochs = [json.loads(line) for line in f if '"event":"epoch"' in line]
    except OSError:
        return None
    later = [e["train_seconds"] for e in epochs[1:]] or [e["train_seconds"] for e in epochs]
    return statistics.median(later) if later else None


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "target/benchmark-cluster")
