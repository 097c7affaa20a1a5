#!/usr/bin/env python3
"""Writes torch-reference.csv: weights after each of six updates of PyTorch's own optimisers (1.13, float64) on
a fixed problem, for OptimizerMatchesPyTorchTest. Run from this directory with /usr/bin/python3 (Debian's
python3-torch); it knows nothing of the Java code.

Problem: six parameters w, gradient g(w) = a*w + b (a diagonal quadratic), a learning rate that changes every
step (as a schedule would). Per step: g is set as w.grad, clipped with clip_grad_norm_ when the case has a clip
norm, then optimizer.step(). Rows: problem,a,... / problem,b,... / case,<settings>,step,lr,w0..w5 (step 0: the
initial weights).
"""
import torch

torch.set_default_dtype(torch.float64)
A = [0.5, 1.5, -0.3, 2.0, 0.1, 1.0]
B = [0.1, -0.2, 0.3, 0.0, -0.5, 0.05]
W0 = [1.0, -0.5, 0.25, 2.0, -1.5, 0.75]
LRS = [0.1, 0.05, 0.2, 0.1, 0.3, 0.15]

# name, kind, momentum, beta1, beta2, eps, weight decay, clip norm (0: none)
CASES = [
    ("sgd", "sgd", 0.0, 0.9, 0.999, 1e-8, 0.0, 0.0),
    ("sgd_wd", "sgd", 0.0, 0.9, 0.999, 1e-8, 0.01, 0.0),
    ("momentum", "momentum", 0.9, 0.9, 0.999, 1e-8, 0.0, 0.0),
    ("momentum_wd", "momentum", 0.9, 0.9, 0.999, 1e-8, 0.01, 0.0),
    ("nesterov", "nesterov", 0.9, 0.9, 0.999, 1e-8, 0.0, 0.0),
    ("nesterov_wd_clip", "nesterov", 0.8, 0.9, 0.999, 1e-8, 0.001, 1.0),
    ("adam", "adam", 0.0, 0.9, 0.999, 1e-8, 0.0, 0.0),
    ("adam_betas", "adam", 0.0, 0.8, 0.99, 1e-6, 0.0, 0.0),
    ("adamw", "adam", 0.0, 0.9, 0.999, 1e-8, 0.01, 0.0),
    ("adam_clip", "adam", 0.0, 0.9, 0.999, 1e-8, 0.0, 0.5),
]


def optimizer(kind, params, momentum, beta1, beta2, eps, wd):
    if kind == "sgd":
        return torch.optim.SGD(params, lr=LRS[0], weight_decay=wd, foreach=False)
    if kind in ("momentum", "nesterov"):
        return torch.optim.SGD(params, lr=LRS[0], momentum=momentum, nesterov=kind == "nesterov",
                               weight_decay=wd, foreach=False)
    # Decoupled weight decay: AdamW; without decay AdamW and Adam are the same formulas.
    return torch.optim.AdamW(params, lr=LRS[0], betas=(beta1, beta2), eps=eps, weight_decay=wd, foreach=False)


def main():
    a = torch.tensor(A)
    b = torch.tensor(B)
    lines = ["problem,a," + ",".join(repr(x) for x in A), "problem,b," + ",".join(repr(x) for x in B)]
    for name, kind, mu, beta1, beta2, eps, wd, clip in CASES:
        w = torch.tensor(W0, requires_grad=True)
        opt = optimizer(kind, [w], mu, beta1, beta2, eps, wd)
        settings = f"{name},{kind},{mu!r},{beta1!r},{beta2!r},{eps!r},{wd!r},{clip!r}"
        lines.append(f"{settings},0,0.0," + ",".join(repr(x) for x in w.detach().tolist()))
        for step, lr in enumerate(LRS, start=1):
            for group in opt.param_groups:
                group["lr"] = lr
            w.grad = (a * w.detach() + b).clone()
            if clip > 0:
                torch.nn.utils.clip_grad_norm_([w], clip)
            opt.step()
            lines.append(f"{settings},{step},{lr!r}," + ",".join(repr(x) for x in w.detach().tolist()))
    with open("torch-reference.csv", "w") as f:
        f.write("# Written by make_torch_reference.py with torch " + torch.__version__ + "; do not edit.\n")
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
