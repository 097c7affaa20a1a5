#!/usr/bin/env python3
"""Regenerates model-v1-expected.csv from model-v1.json, independently of the Java code.

Implements the forward pass straight from the file format: x' = (x - shift) * factor;
h = act(W h + b) for hidden layers, W given as rows of output units; softmax on the last layer.
Probabilities are printed with repr (shortest text that round-trips a double, at most 17 digits).

Run from this directory: python3 make_expected.py
"""
import csv
import json

import numpy as np

# Raw (unscaled) inputs, one row per line, chosen so that every class is predicted at least once.
ROWS = [
    [10.0, -2.0, 0.5],
    [30.0, 2.0, 1.0],
    [12.5, 1.0, 0.2],
    [25.0, -4.0, 0.9],
    [5.0, 0.5, 1.25],
]

ACTIVATIONS = {
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0.0),
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
}


def forward(model, x):
    s = model["scaling"]
    h = (np.asarray(x, dtype=np.float64) - np.asarray(s["shift"])) * np.asarray(s["factor"])
    act = ACTIVATIONS[model["activation"]]
    layers = model["weights"]
    for l, layer in enumerate(layers):
        W = np.asarray(layer["W"], dtype=np.float64)  # n_{l+1} rows of n_l numbers
        z = W @ h + np.asarray(layer["b"], dtype=np.float64)
        h = act(z) if l < len(layers) - 1 else z
    e = np.exp(h - h.max())
    return e / e.sum()


def main():
    with open("model-v1.json") as f:
        model = json.load(f)
    classes = model["classes"]
    n0 = model["layers"][0]
    with open("model-v1-expected.csv", "w", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow([f"x{i}" for i in range(n0)] + [f"p_{c}" for c in classes] + ["predicted"])
        for x in ROWS:
            p = forward(model, x)
            out.writerow([repr(float(v)) for v in x] + [repr(float(v)) for v in p] + [classes[int(np.argmax(p))]])


if __name__ == "__main__":
    main()
