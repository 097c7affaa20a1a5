#!/usr/bin/env python3
"""Fits the rational tanh of Activation.tanhFloat and prints its Java constants.

tanh z ~ z * P(z^2) / Q(z^2) on [0, C], P of degree 4 and Q of degree 5 in z^2, Q(0) = 1. Linearised least
squares in the coefficients, reweighted each round by 1/Q of the last fit (so the residual approaches the true
relative error) and, after ten rounds, by |error|^0.3 (Lawson's step towards the minimax fit); the best round
is kept. The fit runs in a scaled variable u = z^2 / C^2 for conditioning and is then written in z^2.
Needs numpy. Usage: bench/fit-tanh.py
"""
import numpy as np

C = 9.1  # tanh z rounds to 1 in float beyond about 9.01
NP, NQ = 5, 5  # coefficients of P; of Q after its constant 1

x = (C / 2) * (1 - np.cos(np.linspace(0, np.pi, 20000)))  # Chebyshev-spaced on [0, C]
x = x[x > 1e-6]
t = np.tanh(x)
S = C * C
u = x * x / S
A = np.concatenate([np.stack([x * u**k for k in range(NP)], 1),
                    np.stack([-t * u**k for k in range(1, NQ + 1)], 1)], 1)


def evaluate(c, z):
    v = z * z / S
    p = sum(c[k] * v**k for k in range(NP))
    q = 1 + sum(c[NP + k - 1] * v**k for k in range(1, NQ + 1))
    return z * p / q, q


q_weight, lawson = np.ones_like(x), np.ones_like(x)
best = None
for round_ in range(60):
    w = lawson / q_weight / t
    c, *_ = np.linalg.lstsq(A * w[:, None], t * w, rcond=None)
    r, q_weight = evaluate(c, x)
    err = (r - t) / t
    worst = np.max(np.abs(err))
    if best is None or worst < best[0]:
        best = (worst, c.copy())
    if round_ >= 10:
        lawson = lawson * np.abs(err) ** 0.3
        lawson /= lawson.max()

worst, c = best
dense = np.linspace(1e-6, C, 3_000_001)
r, _ = evaluate(c, dense)
print(f"// relative error on [0, {C}]: {np.max(np.abs(r - np.tanh(dense)) / np.tanh(dense)):.3g}")
print(f"private static final double TANH_CLAMP = {C!r};")
for k in range(NP):
    print(f"private static final double TANH_P{k} = {float(c[k] / S**k)!r};")
for k in range(1, NQ + 1):
    print(f"private static final double TANH_Q{k} = {float(c[NP + k - 1] / S**k)!r};")
