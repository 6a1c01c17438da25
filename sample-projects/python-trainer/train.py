#!/usr/bin/env python3
"""A tiny "training" run for Orchard, standard library only.

Fits y = a*x + b to noisy synthetic data by mini-batch gradient descent with momentum. Each epoch it prints an
ordinary log line and one metric line that Orchard reads:

    @orchard {"step": 3, "loss": 0.0123, "accuracy": 0.91}

Everything else it prints ends up in the trial's log. If ORCHARD_CHECKPOINT_DIR is set, the model is saved there after
every epoch (checkpoint.json); if ORCHARD_RESUME_FROM names a checkpoint, training continues from it.
"""
import argparse
import json
import math
import os
import random
import sys

TRUE_A, TRUE_B, NOISE = 3.0, -2.0, 0.1


def make_data(n, rng):
    xs = [rng.uniform(-1.0, 1.0) for _ in range(n)]
    return [(x, TRUE_A * x + TRUE_B + rng.gauss(0.0, NOISE)) for x in xs]


def mse(a, b, data):
    return sum((a * x + b - y) ** 2 for x, y in data) / len(data)


def accuracy(a, b, data, tolerance=0.25):
    return sum(1 for x, y in data if abs(a * x + b - y) < tolerance) / len(data)


def report(**values):
    print("@orchard " + json.dumps(values), flush=True)


def save_checkpoint(directory, state):
    path = os.path.join(directory, "checkpoint.json")
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(state, f)
    os.replace(tmp, path)  # atomic: a stop mid-write never leaves half a checkpoint


def load_checkpoint(path):
    if path and os.path.isdir(path):
        path = os.path.join(path, "checkpoint.json")
    if not path or not os.path.isfile(path):
        return None
    with open(path) as f:
        return json.load(f)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--lr", type=float, required=True, help="learning rate")
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--momentum", type=float, default=0.0, help="heavy-ball momentum in [0, 1)")
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--seed", type=int, default=0, help="seed of the synthetic data and the batch order")
    args = p.parse_args(argv)
    if not (args.lr > 0 and math.isfinite(args.lr)):
        p.error("--lr must be a positive number")
    if not 0.0 <= args.momentum < 1.0:
        p.error("--momentum must be in [0, 1)")

    rng = random.Random(args.seed)
    train, valid = make_data(64, rng), make_data(32, rng)
    a = b = va = vb = 0.0
    start = 1
    trial = os.environ.get("ORCHARD_TRIAL_ID", "-")
    checkpoint_dir = os.environ.get("ORCHARD_CHECKPOINT_DIR", "")
    resumed = load_checkpoint(os.environ.get("ORCHARD_RESUME_FROM", ""))
    if resumed:
        a, b, va, vb, start = resumed["a"], resumed["b"], resumed["va"], resumed["vb"], resumed["epoch"] + 1
        print(f"trial {trial}: resumed after epoch {resumed['epoch']}", flush=True)
    print(f"trial {trial}: lr={args.lr:g} momentum={args.momentum:g} epochs={args.epochs} "
          f"({len(train)} training points)", flush=True)

    for epoch in range(start, args.epochs + 1):
        rng.shuffle(train)
        for i in range(0, len(train), args.batch_size):
            batch = train[i:i + args.batch_size]
            ga = sum(2 * (a * x + b - y) * x for x, y in batch) / len(batch)
            gb = sum(2 * (a * x + b - y) for x, y in batch) / len(batch)
            va = args.momentum * va - args.lr * ga
            vb = args.momentum * vb - args.lr * gb
            a, b = a + va, b + vb
        train_loss, loss, acc = mse(a, b, train), mse(a, b, valid), accuracy(a, b, valid)
        print(f"epoch {epoch}/{args.epochs} train_loss={train_loss:.6f} val_loss={loss:.6f} "
              f"a={a:.4f} b={b:.4f}", flush=True)
        report(step=epoch, loss=loss, accuracy=acc)
        if checkpoint_dir:
            save_checkpoint(checkpoint_dir, {"epoch": epoch, "a": a, "b": b, "va": va, "vb": vb})

    print(f"done: a={a:.4f} b={b:.4f} (true {TRUE_A}, {TRUE_B})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
