#!/usr/bin/env python3
"""Builds the benchmark's one table (markdown) from the raw results that submit/benchmark.sh left in DIR.

    python3 bench/table.py target/benchmark
"""
import glob
import json
import os
import statistics
import sys

FEATURES = 784
TARGET_ACC = 0.85
WARM_STEPS = 400  # steps of a trainer's JVM that still measure its JIT compiler (BENCHMARKS.md)


def flops(m):
    """2·Σ M·N·K of the five products of one forward + backward pass of 784-100-10 over m rows."""
    return 2.0 * (100 * m * 784 + 10 * m * 100 + 10 * 100 * m + 100 * m * 10 + 100 * 784 * m)


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def note(out, part):
    try:
        with open(os.path.join(out, part + ".skipped")) as f:
            return f.read().strip()
    except OSError:
        return "not measured"


def s(x, digits=2):
    return "—" if x is None else f"{x:.{digits}f} s"


def ratio(x, digits=2):
    return "—" if x is None else f"{x:.{digits}f}"


def verdict(value, limit, at_most=True):
    if value is None:
        return "not measured"
    ok = value <= limit if at_most else value >= limit
    return f"**{value:.2f}** ({'≤' if at_most else '≥'} {limit}: {'met' if ok else 'missed'})"


def paired_torch(out, precision, batch, when):
    """PyTorch's batch-128 float32 run just before or after our run of (precision, batch), or None."""
    doc = load(os.path.join(out, f"pytorch-pair-{precision}-{batch}-{when}.json"))
    return (doc or {}).get("runs", {}).get("f32-128")


def ours_runs(out):
    """Our runs by (precision, batch); a run that left no summary.json maps to the name of its log."""
    runs = {}
    for log in sorted(glob.glob(os.path.join(out, "ours-*-*.log"))):
        d = log[:-len(".log")]
        _, precision, batch = os.path.basename(d).rsplit("-", 2)
        summary = load(os.path.join(d, "summary.json"))
        if summary is None:
            runs[(precision, int(batch))] = os.path.basename(log)
            continue
        with open(os.path.join(d, "metrics.jsonl")) as f:
            metrics = [json.loads(line) for line in f if line.strip()]
        if precision in ("default", "given"):
            precision = summary.get("precision") or (summary.get("options") or {}).get("precision") or "float64"
        cumulative, to_target = 0.0, None
        for m in metrics:
            cumulative += m["seconds"]
            if to_target is None and (m.get("val_accuracy") or 0) >= TARGET_ACC:
                to_target = cumulative
        # The steps alone (train_seconds: without the validation pass), median of epochs 2.., as PyTorch's figure
        # is taken; the first epoch (JIT warm-up) apart. Runs from before train_seconds existed: the summary's mean.
        train = [m.get("train_seconds") for m in metrics]
        if len(train) > 1 and all(isinstance(v, (int, float)) for v in train):
            epoch, first = statistics.median(train[1:]), train[0]
        else:
            epoch, first = summary["seconds_per_epoch"], None
        runs[(str(precision), int(batch))] = {
            "summary": summary, "metrics": metrics, "to_target": to_target,
            "time": load(d + ".time.json"), "epoch": epoch, "first": first,
            "mean": summary["seconds_per_epoch"],
        }
    return runs


def scaling_runs(out):
    """The scaling runs by copies K: {"epochs": warm epochs' train_seconds of every round, "runs": [summary, time]}."""
    runs = {}
    for log in sorted(glob.glob(os.path.join(out, "scaling-x*-round*.log"))):
        d = log[:-len(".log")]
        k = int(os.path.basename(d)[len("scaling-x"):].split("-")[0])
        entry = runs.setdefault(k, {"epochs": [], "runs": []})
        summary = load(os.path.join(d, "summary.json"))
        if summary is None:
            entry["runs"].append((None, os.path.basename(log)))
            continue
        with open(os.path.join(d, "metrics.jsonl")) as f:
            metrics = [json.loads(line) for line in f if line.strip()]
        # The epochs that start after the JIT's warm-up, counted in steps (the last epoch when none does, as in
        # a quick run): at ×1 that is 8 epochs, at ×4 two.
        warm = [m["train_seconds"] for prev, m in zip([None] + metrics, metrics)
                if (prev["steps"] if prev else 0) >= WARM_STEPS]
        entry["epochs"].extend(warm or [metrics[-1]["train_seconds"]])
        entry["runs"].append((summary, load(d + ".time.json")))
    return runs


def within(value, margin):
    if value is None:
        return "not measured"
    ok = abs(value - 1) <= margin
    return f"**{value:.2f}** (1 ± {margin:.2f}: {'met' if ok else 'missed'})"


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "target/benchmark"
    env = {}
    if os.path.exists(os.path.join(out, "env.txt")):
        with open(os.path.join(out, "env.txt")) as f:
            env = dict(line.rstrip("\n").split("=", 1) for line in f if "=" in line)
    torch = load(os.path.join(out, "pytorch.json"))
    mllib = load(os.path.join(out, "mllib.json"))
    jmh = load(os.path.join(out, "jmh.json"))
    ours = ours_runs(out)
    steps = []
    if os.path.exists(os.path.join(out, "step.json")):
        with open(os.path.join(out, "step.json")) as f:
            text = f.read().strip()
        try:  # one JSON document (an object or a list of them), else one object per line among other output
            doc = json.loads(text)
            steps = doc if isinstance(doc, list) else [doc]
        except ValueError:
            for line in text.splitlines():
                try:
                    steps.append(json.loads(line))
                except ValueError:
                    pass
        steps = [st for st in steps if isinstance(st, dict) and "step128_ms" in st]

    rows = []

    def row(*cells):
        rows.append(cells)

    # PyTorch
    t = (torch or {}).get("runs", {})
    if torch:
        for name, r in t.items():
            row("PyTorch " + torch["torch"], f"batch {r['batch']}, lr {r['lr']}, 1 thread", r["dtype"],
                f"{r['seconds_per_epoch']:.3f} s/epoch (first {r['first_epoch_seconds']:.3f} s)",
                f"test {r['test_accuracy']:.4f}", "85 % val: " + (
                    s(r["seconds_to_val_085"]) if r["seconds_to_val_085"] is not None
                    else f"not in {r['epochs']} epochs"))
    else:
        row("PyTorch", "batch 128 / 1024", "", note(out, "pytorch"), "", "")

    # Ours
    if ours:
        for (precision, batch), r in sorted(ours.items(), key=lambda kv: (kv[0][0] != "float64", kv[0][1])):
            if isinstance(r, str):
                row("ours, local[2]", f"batch {batch}", precision, f"failed: see {r}", "", "")
                continue
            sm = r["summary"]
            tm = r["time"]
            extra = []
            extra.append(f"mean of all epochs {r['mean']:.3f} s")
            if tm and tm.get("wall_seconds"):
                extra.append(f"JVM CPU {100 * (tm['user_seconds'] + tm['system_seconds']) / tm['wall_seconds']:.0f} %,"
                             f" max RSS {tm['max_rss_kb'] / 1024:.0f} MB")
            gc = sm.get("gc_seconds_per_epoch")
            if isinstance(gc, list) and gc:
                gc = sum(gc) / len(gc)
            if isinstance(gc, (int, float)):
                extra.append(f"GC {gc:.2f} s/epoch")
            row("ours, local[2]", f"batch {batch}, {sm.get('steps', 0) // max(1, sm.get('epochs', 1))} steps/epoch",
                precision, f"{r['epoch']:.3f} s/epoch" + (f" (first {r['first']:.3f} s)" if r["first"] is not None
                                                          else " (mean of all epochs)"),
                f"test {sm['test_accuracy']:.4f}",
                "85 % val: " + (s(r["to_target"]) if r["to_target"] is not None
                                else f"not in {sm['epochs']} epochs") + "; " + "; ".join(extra))
    else:
        row("ours, local[2]", "batch 128 / 1024", "", note(out, "ours"), "", "")

    # MLlib
    if mllib:
        for r in mllib["runs"]:
            row(f"MLlib {mllib['spark']} L-BFGS", f"maxIter {r['max_iter']} ({r['iterations']} done), {mllib['master']}",
                "float64", f"{r['seconds']:.1f} s to fit", f"test {r['test_accuracy']:.4f}", "")
        row("MLlib", "test accuracy ≥ 0.85", "float64", s(mllib.get("seconds_to_test_085"), 1)
            if mllib.get("seconds_to_test_085") is not None else "not reached in these runs", "",
            f"fits of maxIter {', '.join(str(r['max_iter']) for r in mllib['runs'])}")
    else:
        row("MLlib L-BFGS", "", "", note(out, "mllib"), "", "")

    # Kernel vs gemm
    rates = {}
    if jmh:
        for b in jmh:
            cls, method = b["benchmark"].split(".")[-2:]
            m = int(b["params"]["m"])
            assert b["primaryMetric"]["scoreUnit"] == "us/op", b["primaryMetric"]["scoreUnit"]
            # The median of the measurement iterations, not JMH's mean: one slow second on a shared machine moves
            # a mean of five by a fifth of itself.
            raw = [x for fork in b["primaryMetric"].get("rawData") or [] for x in fork]
            us = statistics.median(raw) if raw else b["primaryMetric"]["score"]
            rate = flops(m) / (us * 1e-6) / 1e9
            precision = {"dgemm": "float64", "sgemm": "float32"}.get(method, method)
            rates[("gemm" if cls == "GemmBench" else "kernel", precision, m)] = rate
        kernel_ratios = {}
        for precision in ("float64", "float32"):
            for m in sorted({k[2] for k in rates if k[1] == precision}):
                g = rates.get(("gemm", precision, m))
                k = rates.get(("kernel", precision, m))
                if k is not None and g:
                    kernel_ratios[(precision, m)] = k / g
                row("kernel vs gemm (JMH, 1 thread)", f"m = {m}", precision,
                    f"kernel {k:.1f} · gemm {g:.1f} GFLOP/s" if k is not None else
                    f"gemm {g:.1f} GFLOP/s (kernel not measured)", "",
                    f"kernel/gemm {k / g:.2f}" if k is not None else "")
    else:
        kernel_ratios = {}
        row("kernel vs gemm (JMH)", "", "", note(out, "jmh"), "", "")

    # Floor and step. StepBench times the kernel on one partition's share of the batch (the partitions run in
    # parallel): kernel64_ms for batch 128 on 2 partitions; kernel128_ms if it gives the whole batch instead.
    def kernel_ms(st):
        for key, share in (("kernel128_ms", 128), ("kernel64_ms", 64)):
            if key in st:
                return st[key], share
        return None, None

    for st in steps:
        p = st.get("precision", "")
        k, share = kernel_ms(st)
        row("floor (Spark job)", "bare job", p, f"{st['bare_ms']:.2f} ms", "", "")
        row("floor (Spark job)", "weights shipped, gradient-sized sums back, no compute", p,
            f"{st['ship_ms']:.2f} ms", "", "")
        row("our step", "batch 128", p, f"{st['step128_ms']:.2f} ms", "",
            f"kernel alone on {share} rows: {k:.2f} ms" if k is not None else "")
        row("our step", "batch 1024", p, f"{st['step1024_ms']:.2f} ms", "",
            f"kernel alone on 512 rows: {st['kernel512_ms']:.2f} ms" if "kernel512_ms" in st else "")
    if not steps:
        row("floor and our step", "StepBench", "", "not measured", "", "")

    # Targets. The reference for each run of ours is PyTorch's batch-128 float32 epoch run just before and just
    # after it (the mean of the two medians), so both sides see nearly the same load; without those, the
    # PyTorch run at the start.
    ref = t.get("f32-128")
    for precision in sorted({k[0] for k in ours}, key=lambda p: p != "float64"):
        for batch, limit in ((1024, 2), (128, 8)):
            r = ours.get((precision, batch))
            pair = [x for x in (paired_torch(out, precision, batch, w) for w in ("before", "after")) if x]
            notes = []
            if pair:
                reference = sum(x["seconds_per_epoch"] for x in pair) / len(pair)
                notes.append("PyTorch around this run: " + ", ".join(f"{x['seconds_per_epoch']:.3f} s" for x in pair))
                if ref and isinstance(r, dict):
                    notes.append(f"against the PyTorch run at the start ({ref['seconds_per_epoch']:.3f} s): "
                                 f"{r['epoch'] / ref['seconds_per_epoch']:.2f}")
            else:
                reference = ref["seconds_per_epoch"] if ref else None
            v = r["epoch"] / reference if isinstance(r, dict) and reference else None
            if isinstance(r, dict) and ref and ref.get("mean_seconds_per_epoch"):
                notes.append(f"mean of all epochs, first included, against the run at the start: "
                             f"{r['mean'] / ref['mean_seconds_per_epoch']:.2f}")
            row("**target**", f"ours epoch at batch {batch} / PyTorch epoch at batch 128 (float32)", precision,
                verdict(v, limit), "", "; ".join(notes) if reference else "no PyTorch run")
    if not ours:
        row("**target**", "ours epoch / PyTorch epoch at batch 128", "", "not measured", "", "")
    for precision in ("float64", "float32"):
        vals = {m: v for (p, m), v in kernel_ratios.items() if p == precision}
        if vals:
            worst = min(vals, key=vals.get)
            row("**target**", "kernel / gemm, worst m", precision, verdict(vals[worst], 0.7, at_most=False), "",
                f"at m = {worst}" + (f"; at m = 128: {vals[128]:.2f}" if 128 in vals and worst != 128 else ""))
        else:
            row("**target**", "kernel / gemm", precision, "not measured", "", "")
    for st in steps:
        k, share = kernel_ms(st)
        v = st["step128_ms"] / (st["ship_ms"] + k) if k is not None else None
        row("**target**", "step at batch 128 / (ship + kernel)", st.get("precision", ""), verdict(v, 1.3), "",
            f"kernel on {share} rows: one partition's share" if share == 64 else "")
    if not steps:
        row("**target**", "step at batch 128 / (ship + kernel)", "", "not measured", "", "")
    mllib_ratio = (f"MLlib's DataFrame cache: {mllib['cached_train_bytes'] / mllib['raw_train_bytes']:.2f} "
                   f"× rows × features × 8 ({mllib['cached_train_bytes'] / 2**20:.0f} MB; its own stacked copy "
                   f"during fit: {mllib['internal_cache_peak_bytes'] / 2**20:.0f} MB more)") if mllib else "MLlib not measured"
    shown = False
    for precision in sorted({k[0] for k in ours}, key=lambda p: p != "float64"):
        r = next((x for x in (ours.get((precision, 128)), ours.get((precision, 1024))) if isinstance(x, dict)), None)
        sm = r["summary"] if r else {}
        if r is None:
            row("**target**", "cached training set / (rows × features × bytes)", precision, "not measured (failed)",
                "", mllib_ratio)
        elif "cached_train_bytes" in sm:
            width = 4 if precision == "float32" else 8
            raw = sm["rows"]["train"] * FEATURES * width
            row("**target**", f"cached training set / (rows × features × {width})", precision,
                verdict(sm["cached_train_bytes"] / raw, 1.1), "", mllib_ratio)
        else:
            row("**target**", "cached training set / (rows × features × bytes)", precision, "n/a", "", mllib_ratio)
        shown = True
    if not shown:
        row("**target**", "cached training set / (rows × features × bytes)", "", "not measured", "", mllib_ratio)

    scaling = scaling_runs(out)
    medians = {k: statistics.median(v["epochs"]) for k, v in scaling.items() if v["epochs"]}
    for k in sorted(scaling):
        done = [(sm, tm) for sm, tm in scaling[k]["runs"] if sm is not None]
        failed = [name for sm, name in scaling[k]["runs"] if sm is None]
        if not done:
            row("ours, local[2]", f"scaling: batch 1024, training set ×{k}", "", "failed", "", ", ".join(failed))
            continue
        sm = done[0][0]
        rss = [tm["max_rss_kb"] / 1024 for _, tm in done if tm]
        notes = [f"{sm['steps'] // max(1, sm['epochs'])} steps/epoch",
                 f"median of the epochs after the first {WARM_STEPS} steps, over {len(done)} run{'s' if len(done) > 1 else ''} "
                 + "(" + ", ".join(f"{x:.3f}" for x in scaling[k]["epochs"]) + " s)"]
        if rss:
            notes.append(f"default heap, max RSS {max(rss):.0f} MB")
        if failed:
            notes.append("failed: " + ", ".join(failed))
        row("ours, local[2]", f"scaling: batch 1024, training set ×{k} ({sm['rows']['train']:,} rows)",
            sm.get("precision", ""), f"{medians[k]:.3f} s/epoch" if k in medians else "—",
            "test " + "/".join(f"{x['test_accuracy']:.4f}" for x, _ in done), "; ".join(notes))
    for k in (2, 4):
        v = medians[k] / k / medians[1] if k in medians and 1 in medians else None
        row("**target**", f"scaling: epoch time per row, ×{k} / ×1", "", within(v, 0.15), "",
            note(out, "scaling") if not scaling else "above 1: slower per row than ×1")

    blas = []
    if ours:
        done = [r for r in ours.values() if isinstance(r, dict)]
        if done:
            blas.append(f"ours: {done[0]['summary'].get('blas', '?')}")
    if mllib:
        blas.append(f"MLlib: {mllib.get('blas', '?')}")
    try:
        with open(os.path.join(out, "jmh.log")) as f:
            jmh_blas = next((line.split(":", 1)[1].strip() for line in f if line.startswith("# BLAS:")), None)
        if jmh_blas:
            blas.append(f"JMH: {jmh_blas}")
    except OSError:
        pass
    print(f"## Fashion-MNIST, 784-100-10 tanh — {'QUICK smoke run (not a measurement)' if env.get('quick') == '1' else 'benchmark'}")
    print()
    print(f"{env.get('date', '?')} · {env.get('cpu', '?')}, {env.get('cores', '?')} cores · load at start "
          f"{env.get('load', '?')} · {env.get('java', '?')} · BLAS {'; '.join(blas) or '?'}")
    print()
    print("| part | what | precision | measured | accuracy | notes |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(str(c) for c in r) + " |")
    print()
    print("s/epoch: training time per epoch without the validation pass, the median of epochs 2.. for PyTorch and "
          "ours alike (ours: metrics.jsonl's train_seconds); the first epoch, which holds the JIT's warm-up, is shown "
          "apart and in the mean of all epochs. Epoch targets: each run of ours against the mean of PyTorch's batch-128 "
          "float32 epochs in the runs just before and just after it (the shared machine's load changes from minute to "
          "minute). Time to 85 % validation accuracy: cumulative epoch seconds, ours with "
          "each epoch's validation pass, PyTorch without. GFLOP/s: 2·Σ M·N·K of the five products of one forward + "
          "backward pass over m rows, for kernel and gemm alike, from the median of JMH's measurement iterations. "
          "Scaling: the epoch's training time at batch 1024 on the training set replicated K times "
          "(bench/replicate-idx.sh), the same training time for each size, median of the epochs that start after the "
          "first 400 steps (the JIT's warm-up) in two rounds; per row, against ×1.")


if __name__ == "__main__":
    main()
