#!/usr/bin/env python3
"""A small real PyTorch trainer for Orchard: an MLP that separates two interleaved spirals.

The data (two noisy spirals, 2-D points, binary labels) is generated deterministically by torch from a fixed seed,
so there is nothing to download and every trial sees the same train/validation split. Each epoch it reports

    @orchard {"step": 3, "val_loss": 0.41, "val_acc": 0.83, "train_loss": 0.45}

through the Orchard client (../orchard_client/orchard.py), writes a checkpoint (model, optimizer, epoch, random
number generators) atomically to the trial's checkpoint directory, and ends cleanly when Orchard asks it to stop
(SIGTERM: early stopping, a paused sweep or the user). Started with ORCHARD_RESUME_FROM, it continues from that
checkpoint. On a GPU when torch sees one (CUDA_VISIBLE_DEVICES is the trial's slot; empty means CPU).

By hand:  python3 train.py --lr 0.01 --hidden 64 --dropout 0.1 --optimizer adam --epochs 20
"""
import argparse
import math
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "orchard_client"))  # the client is one file: no install needed
sys.path.insert(0, str(HERE))

import orchard  # noqa: E402
import torch_python  # noqa: E402

torch_python.ensure_torch()  # re-executes with a Python that has torch when this one has none
import torch  # noqa: E402
from torch import nn  # noqa: E402

DEFAULTS = {"lr": 0.01, "hidden": 64, "dropout": 0.1, "optimizer": "adam", "weight_decay": 0.0, "epochs": 20,
            "batch_size": 64, "seed": 0}
CHECKPOINT = "checkpoint.pt"
DATA_SEED = 1234  # the data set is the same for every trial; --seed only changes initialisation and batch order


def spirals(n, noise, generator):
    """``n`` points on two interleaved spirals (1.75 turns each), Gaussian noise of ``noise``; labels 0/1."""
    t = torch.sqrt(torch.rand(n, generator=generator)) * 1.75 * 2 * math.pi
    label = torch.randint(0, 2, (n,), generator=generator)
    angle = t + math.pi * label
    radius = t / (1.75 * 2 * math.pi)
    x = torch.stack([radius * torch.cos(angle), radius * torch.sin(angle)], dim=1)
    x = x + noise * torch.randn(n, 2, generator=generator)
    return x, label.float()


class MLP(nn.Module):
    def __init__(self, hidden, dropout):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(2, hidden), nn.ReLU(), nn.Dropout(dropout),
            nn.Linear(hidden, hidden), nn.ReLU(), nn.Dropout(dropout),
            nn.Linear(hidden, hidden), nn.ReLU(),
            nn.Linear(hidden, 1))

    def forward(self, x):
        return self.net(x).squeeze(1)


def make_optimizer(name, parameters, lr, weight_decay):
    if name == "adam":
        return torch.optim.AdamW(parameters, lr=lr, weight_decay=weight_decay)
    if name == "sgd":
        return torch.optim.SGD(parameters, lr=lr, momentum=0.9, nesterov=True, weight_decay=weight_decay)
    raise SystemExit("--optimizer must be adam or sgd, got %r" % name)


def evaluate(model, x, y):
    model.eval()
    with torch.no_grad():
        logits = model(x)
        loss = nn.functional.binary_cross_entropy_with_logits(logits, y).item()
        acc = ((logits > 0).float() == y).float().mean().item()
    return loss, acc


def load(path):
    """Loads a checkpoint this trainer wrote (to Orchard's checkpoint directory, or a copy of a parent's). Full
    unpickling: torch 1.13's weights-only loader cannot read the optimizer state's floats; load only your own files."""
    try:
        return torch.load(path, map_location="cpu", weights_only=False)  # CPU: the RNG states must stay there
    except TypeError:  # torch older than 1.13 has no weights_only
        return torch.load(path, map_location="cpu")


def parse_args(argv):
    # Defaults: ORCHARD_PARAMS over DEFAULTS, so `python3 train.py` alone also runs a trial; flags win over both.
    d = orchard.params(DEFAULTS)
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--lr", type=float, default=d["lr"], help="learning rate")
    p.add_argument("--hidden", type=int, default=d["hidden"], help="width of the three hidden layers")
    p.add_argument("--dropout", type=float, default=d["dropout"])
    p.add_argument("--optimizer", choices=["adam", "sgd"], default=d["optimizer"])
    p.add_argument("--weight-decay", type=float, default=d["weight_decay"])
    p.add_argument("--epochs", type=int, default=d["epochs"], help="total epochs, counting those before a resume")
    p.add_argument("--batch-size", type=int, default=d["batch_size"])
    p.add_argument("--seed", type=int, default=d["seed"])
    p.add_argument("--threads", type=int, default=int(os.environ.get("OMP_NUM_THREADS") or 1),
                   help="CPU threads for torch (default $OMP_NUM_THREADS or 1: a small model gains nothing from more, "
                        "and trials running side by side would fight over the cores)")
    args = p.parse_args(argv)
    if not (args.lr > 0 and math.isfinite(args.lr)):
        p.error("--lr must be a positive number")
    if not 0 <= args.dropout < 1:
        p.error("--dropout must be in [0, 1)")
    return args


def main(argv=None):
    args = parse_args(argv)
    orchard.install_signal_handlers()  # from here on SIGTERM only asks us to stop: no checkpoint is cut in half
    torch.set_num_threads(max(1, args.threads))
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

    data = torch.Generator().manual_seed(DATA_SEED)
    x_train, y_train = spirals(2000, 0.04, data)
    x_val, y_val = spirals(1000, 0.04, data)
    x_train, y_train, x_val, y_val = (t.to(device) for t in (x_train, y_train, x_val, y_val))

    torch.manual_seed(args.seed)
    model = MLP(args.hidden, args.dropout).to(device)
    opt = make_optimizer(args.optimizer, model.parameters(), args.lr, args.weight_decay)
    shuffle = torch.Generator().manual_seed(args.seed)  # batch order, kept in the checkpoint
    start = 1

    resume = orchard.resume_from()
    if resume is not None and (resume / CHECKPOINT).is_file():
        ck = load(resume / CHECKPOINT)
        model.load_state_dict(ck["model"])
        if ck["optimizer_name"] == args.optimizer:
            opt.load_state_dict(ck["optimizer"])
            # The checkpoint may come from a parent with other hyperparameters (PBT explores by perturbing them):
            # the values this trial was started with win over the ones stored with the optimizer state.
            for group in opt.param_groups:
                group["lr"], group["weight_decay"] = args.lr, args.weight_decay
        torch.set_rng_state(ck["torch_rng"])
        shuffle.set_state(ck["shuffle_rng"])
        start = ck["epoch"] + 1
        print("resumed from %s after epoch %d" % (resume, ck["epoch"]), flush=True)

    ckdir = orchard.checkpoint_dir()
    print("trial %s: device=%s lr=%g hidden=%d dropout=%g optimizer=%s weight_decay=%g epochs=%d; checkpoints in %s"
          % (orchard.trial_id() or "-", device, args.lr, args.hidden, args.dropout, args.optimizer,
             args.weight_decay, args.epochs, ckdir.resolve()), flush=True)

    began = time.monotonic()
    for epoch in range(start, args.epochs + 1):
        model.train()
        order = torch.randperm(len(x_train), generator=shuffle).to(device)
        total, count = 0.0, 0
        for i in range(0, len(order), args.batch_size):
            idx = order[i:i + args.batch_size]
            loss = nn.functional.binary_cross_entropy_with_logits(model(x_train[idx]), y_train[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
            count += len(idx)
        train_loss = total / count
        val_loss, val_acc = evaluate(model, x_val, y_val)
        if not math.isfinite(val_loss):
            # a diverged run: say so in the log and fail the trial (orchard.report refuses NaN)
            sys.exit("epoch %d: validation loss is %s (learning rate %g too high?)" % (epoch, val_loss, args.lr))

        with orchard.atomic_write(CHECKPOINT, ckdir) as tmp:
            torch.save({"epoch": epoch, "model": model.state_dict(), "optimizer": opt.state_dict(),
                        "optimizer_name": args.optimizer, "torch_rng": torch.get_rng_state(),
                        "shuffle_rng": shuffle.get_state(), "val_loss": val_loss}, tmp)
        print("epoch %d/%d train_loss=%.4f val_loss=%.4f val_acc=%.3f (%.1f s)"
              % (epoch, args.epochs, train_loss, val_loss, val_acc, time.monotonic() - began), flush=True)
        orchard.report(epoch, val_loss=val_loss, val_acc=val_acc, train_loss=train_loss)
        if orchard.should_stop():
            print("stopping after epoch %d as asked; the checkpoint is saved" % epoch, flush=True)
            return 0
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
