"""``make results``: train every classic net on Fashion-MNIST and save what it scored.

Run as::

    python -m cnncourse.results                         # every net of the course
    python -m cnncourse.results --models resnet18       # one net per invocation
    python -m cnncourse.results --quick --out /tmp/r    # smoke test: a few batches each

For each network it writes ``<out>/<name>.json`` with the parameter and FLOP counts,
the per-epoch curves, the training time, the best validation accuracy, the test
accuracy, the target and whether it was met, and where the numbers came from (git
commit, hardware, library versions, date, seed, command line). Chapter 11 reads them.

How a run is kept honest:

- the validation set is 5,000 images held out of the 60,000 training images (the same
  seeded split as :func:`cnncourse.data.tensor_loaders`); it picks the best epoch;
- the test set (the official 10,000 images) is evaluated once, at the end, with the
  weights of the epoch that had the best validation accuracy;
- everything is seeded (``--seed``); on a GPU, cuDNN's autotuner may still pick
  non-deterministic kernels, so two GPU runs can differ in the last digits.

For speed the whole data set lives as tensors on the training device and the
augmentation (random crop after 2-pixel padding, horizontal flip) is done there, for a
whole batch at once. On CUDA the forward and backward passes run under bfloat16
autocast; evaluation runs in full precision. On one H100 the recipes below took from
about 30 s (LeNet) to under 6 minutes (DenseNet) per network, so one network per
command fits where commands are limited to 10 minutes.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import torch
import torch.nn.functional as F
import torchvision
from torch import nn
from torch.utils.flop_counter import FlopCounterMode
from tqdm.auto import tqdm

from .data import MEAN, STD, tensor_loaders
from .models import MODELS, RESULT_MODELS
from .train import device, seed_everything

__all__ = ["RECIPES", "TARGETS", "Recipe", "augment", "count_flops", "count_params",
           "crop_and_flip", "hardware", "main", "run_model"]

REPO = Path(__file__).resolve().parent.parent

#: Test-accuracy targets on Fashion-MNIST (the published d2l figures are lower).
TARGETS: dict[str, float] = {
    "lenet": 0.89, "bn_lenet": 0.90, "alexnet": 0.91, "vgg": 0.93, "googlenet": 0.92,
    "resnet18": 0.935, "densenet": 0.93, "plain18": 0.92,
}


@dataclass(frozen=True)
class Recipe:
    """How one network is trained: SGD (Nesterov momentum) with weight decay and a
    one-cycle learning-rate schedule (warm up to ``lr`` over ``warmup`` of the steps,
    then anneal to almost zero), cross-entropy with ``label_smoothing``, random crops
    after ``pad`` pixels of padding and horizontal flips."""
    epochs: int
    lr: float
    batch_size: int = 256
    weight_decay: float = 5e-4
    momentum: float = 0.9
    label_smoothing: float = 0.1
    warmup: float = 0.2
    pad: int = 2


#: One recipe per network (epochs, peak learning rate, batch size, ...). Measured with
#: these recipes on one H100 (seed 0), test accuracy and training time: LeNet 0.915
#: (28 s), BN-LeNet 0.920 (33 s), AlexNet 0.937 (42 s), VGG 0.946 (45 s), GoogLeNet
#: 0.947 (182 s), ResNet-18 0.944 already after 15 epochs (38 s), DenseNet 0.948 (339 s).
RECIPES: dict[str, Recipe] = {
    "lenet": Recipe(epochs=40, lr=0.1, label_smoothing=0.0, pad=2),
    "bn_lenet": Recipe(epochs=40, lr=0.2, label_smoothing=0.0, pad=2),
    "alexnet": Recipe(epochs=40, lr=0.05, pad=2),
    "vgg": Recipe(epochs=30, lr=0.05, pad=3),
    "googlenet": Recipe(epochs=30, lr=0.1, pad=3),
    "resnet18": Recipe(epochs=30, lr=0.1, pad=3),
    "densenet": Recipe(epochs=25, lr=0.1, pad=3),
    "plain18": Recipe(epochs=30, lr=0.05, pad=3),
}

#: The value a black pixel has after normalisation: what padding fills in.
BACKGROUND = (0.0 - MEAN) / STD


# --------------------------------------------------------------------------- counting

def count_params(model: nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def count_flops(model: nn.Module, input_size=(1, 1, 28, 28)) -> int:
    """Floating-point operations of one forward pass, as counted by
    ``torch.utils.flop_counter.FlopCounterMode`` (convolutions and matrix products,
    two operations per multiply-add; pooling, activations and normalisation are not
    counted)."""
    was_training = model.training
    model.eval()
    param = next(model.parameters())
    x = torch.zeros(input_size, device=param.device, dtype=param.dtype)
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        model(x)
    model.train(was_training)
    return int(counter.get_total_flops())


# ------------------------------------------------------------------------ augmentation

def crop_and_flip(x: torch.Tensor, top: torch.Tensor, left: torch.Tensor,
                  flip: torch.Tensor, pad: int, fill: float = BACKGROUND) -> torch.Tensor:
    """Pad a batch (N, C, H, W) by ``pad`` pixels of value ``fill``, cut image ``i``'s
    H x W window at (``top[i]``, ``left[i]``) of the padded image and mirror it
    left-right where ``flip[i]`` is true. One gather for the whole batch."""
    n, c, h, w = x.shape
    padded = F.pad(x, (pad, pad, pad, pad), value=fill)
    width = w + 2 * pad
    dev = x.device
    cols = torch.arange(w, device=dev).expand(n, w)
    cols = torch.where(flip.view(n, 1), w - 1 - cols, cols) + left.view(n, 1)
    rows = torch.arange(h, device=dev).expand(n, h) + top.view(n, 1)
    index = (rows.view(n, h, 1) * width + cols.view(n, 1, w)).view(n, 1, h * w)
    out = padded.flatten(2).gather(2, index.expand(n, c, h * w))
    return out.view(n, c, h, w)


def augment(x: torch.Tensor, pad: int = 2, generator: torch.Generator | None = None,
            fill: float = BACKGROUND) -> torch.Tensor:
    """Random crop (after ``pad`` pixels of padding) and random horizontal flip of every
    image of a batch, drawn independently per image, on the batch's own device."""
    n, dev = len(x), x.device
    top = torch.randint(0, 2 * pad + 1, (n,), device=dev, generator=generator)
    left = torch.randint(0, 2 * pad + 1, (n,), device=dev, generator=generator)
    flip = torch.rand(n, device=dev, generator=generator) < 0.5
    return crop_and_flip(x, top, left, flip, pad, fill)


# -------------------------------------------------------------------------- provenance

def _git(*args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True,
                              timeout=10, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip()


def git_commit() -> str:
    """The checkout's commit; ``CNNCOURSE_GIT_COMMIT`` when there is no git checkout
    (a copied working tree on a GPU machine); else ``"unknown"``."""
    return _git("rev-parse", "HEAD") or os.environ.get("CNNCOURSE_GIT_COMMIT") or "unknown"


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def hardware(dev: torch.device) -> str:
    """The accelerator's name, or the CPU model and its core count."""
    if dev.type == "cuda":
        return torch.cuda.get_device_name(dev)
    if dev.type == "mps":
        return f"Apple MPS ({cpu_name()})"
    return f"{cpu_name()} ({os.cpu_count()} cores)"


def provenance(dev: torch.device, seed: int) -> dict:
    status = _git("status", "--porcelain", "--untracked-files=no")
    return {
        "git_commit": git_commit(),
        "git_dirty": None if status is None else bool(status),
        "hardware": hardware(dev),
        "cpu": f"{cpu_name()} ({os.cpu_count()} cores)",
        "device": dev.type,
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "python": platform.python_version(),
        "date": _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat(),
        "seed": seed,
        "command": "python -m cnncourse.results " + shlex.join(sys.argv[1:]),
    }


# ---------------------------------------------------------------------------- training

@torch.no_grad()
def _evaluate(model: nn.Module, x: torch.Tensor, y: torch.Tensor, batch_size: int = 1000,
              channels_last: bool = False) -> tuple[float, float]:
    """Mean cross-entropy and accuracy, in eval mode and full precision."""
    model.eval()
    loss_sum = torch.zeros((), device=x.device)
    correct = torch.zeros((), device=x.device, dtype=torch.long)
    for i in range(0, len(y), batch_size):
        xb, yb = x[i:i + batch_size], y[i:i + batch_size]
        if channels_last:
            xb = xb.contiguous(memory_format=torch.channels_last)
        out = model(xb).float()
        loss_sum += F.cross_entropy(out, yb, reduction="sum")
        correct += (out.argmax(1) == yb).sum()
    return loss_sum.item() / len(y), correct.item() / len(y)


def _sync(dev: torch.device) -> None:
    if dev.type == "cuda":
        torch.cuda.synchronize(dev)


def run_model(name: str, *, dev: torch.device, data, seed: int = 0,
              epochs: int | None = None, lr: float | None = None, quick: bool = False,
              progress: bool = True) -> dict:
    """Train network ``name`` by its recipe, pick the best epoch on the validation set,
    test that checkpoint once, and return the record that is saved as JSON."""
    base = RECIPES[name]
    recipe = replace(base, lr=base.lr if lr is None else lr,   # what is run is recorded
                     batch_size=32 if quick else base.batch_size,
                     epochs=epochs or (1 if quick else base.epochs))
    epochs, batch_size = recipe.epochs, recipe.batch_size
    max_batches = 2 if quick else None
    xtr, ytr, xval, yval, xte, yte = data
    if quick:  # a smoke test: tiny evaluation sets too (the record says "quick")
        xval, yval, xte, yte = xval[:64], yval[:64], xte[:128], yte[:128]

    seed_everything(seed)
    model = MODELS[name]()
    params, flops = count_params(model), count_flops(model)
    cuda = dev.type == "cuda"
    model.to(dev)
    if cuda:
        model.to(memory_format=torch.channels_last)
    optimizer = torch.optim.SGD(model.parameters(), lr=recipe.lr, momentum=recipe.momentum,
                                nesterov=True, weight_decay=recipe.weight_decay)
    steps = len(ytr) // batch_size
    if max_batches is not None:
        steps = min(steps, max_batches)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=recipe.lr, total_steps=epochs * steps, pct_start=recipe.warmup,
        div_factor=25.0, final_div_factor=1e3)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=recipe.label_smoothing)
    gen = torch.Generator(device=dev).manual_seed(seed)

    curves = {"train_loss": [], "train_acc": [], "val_loss": [], "val_acc": [],
              "elapsed_seconds": []}
    best_acc, best_epoch, best_state = -1.0, 0, None
    _sync(dev)
    start = time.perf_counter()
    bar = tqdm(total=epochs * steps, desc=name, unit="batch", disable=not progress,
               mininterval=2.0)
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(ytr), device=dev, generator=gen)
        loss_sum = torch.zeros((), device=dev)
        correct = torch.zeros((), device=dev, dtype=torch.long)
        for i in range(steps):
            idx = order[i * batch_size:(i + 1) * batch_size]
            xb = augment(xtr[idx], recipe.pad, gen)
            yb = ytr[idx]
            if cuda:
                xb = xb.contiguous(memory_format=torch.channels_last)
            with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=cuda):
                out = model(xb)
                loss = loss_fn(out.float(), yb)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            scheduler.step()
            loss_sum += loss.detach() * len(yb)
            correct += (out.argmax(1) == yb).sum()
            bar.update()
        seen = steps * batch_size
        curves["train_loss"].append(loss_sum.item() / seen)
        curves["train_acc"].append(correct.item() / seen)
        val_loss, val_acc = _evaluate(model, xval, yval, channels_last=cuda)
        curves["val_loss"].append(val_loss)
        curves["val_acc"].append(val_acc)
        _sync(dev)
        curves["elapsed_seconds"].append(round(time.perf_counter() - start, 2))
        if val_acc > best_acc:
            best_acc, best_epoch = val_acc, epoch + 1
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        bar.set_postfix(epoch=epoch + 1, train_acc=f"{curves['train_acc'][-1]:.4f}",
                        val_acc=f"{val_acc:.4f}")
        if progress:
            tqdm.write(f"{name} epoch {epoch + 1:>3}/{epochs}: "
                       f"train loss {curves['train_loss'][-1]:.4f} "
                       f"acc {curves['train_acc'][-1]:.4f} | "
                       f"val loss {val_loss:.4f} acc {val_acc:.4f} | "
                       f"{curves['elapsed_seconds'][-1]:.0f} s")
    bar.close()
    _sync(dev)
    seconds = time.perf_counter() - start

    model.load_state_dict(best_state)  # the test set is used once, on the chosen epoch
    test_loss, test_acc = _evaluate(model, xte, yte, channels_last=cuda)
    target = TARGETS[name]
    return {
        "model": name,
        "builder": f"cnncourse.models.{MODELS[name].__name__}",
        "params": params,
        "flops": flops,
        "flops_note": "FlopCounterMode, one (1, 1, 28, 28) image: convolutions and matrix "
                      "products, 2 operations per multiply-add",
        "epochs": epochs,
        "steps_per_epoch": steps,
        "recipe": {**asdict(recipe), "optimizer":
                   "SGD (Nesterov momentum)", "schedule": "OneCycleLR",
                   "augmentation": f"random crop after {recipe.pad}-pixel padding, "
                                   "horizontal flip",
                   "precision": "bfloat16 autocast (training), float32 (evaluation)"
                   if cuda else "float32"},
        "train_size": len(ytr), "val_size": len(yval), "test_size": len(yte),
        "train_seconds": round(seconds, 2),
        "train_seconds_note": "wall-clock time of all epochs, per-epoch validation included",
        **curves,
        "best_epoch": best_epoch,
        "best_val_acc": best_acc,
        "test_loss": test_loss,
        "test_acc": test_acc,
        "target": target,
        "met": bool(test_acc >= target),
        "quick": quick,
        "provenance": provenance(dev, seed),
    }


def load_data(dev: torch.device, seed: int = 0):
    """Train (55,000), validation (5,000) and test (10,000) tensors on ``dev``,
    normalised with the training-set mean and standard deviation."""
    train_loader, val_loader, test_loader = tensor_loaders(val_size=5000, seed=seed)
    tensors = [*train_loader.dataset.tensors, *val_loader.dataset.tensors,
               *test_loader.dataset.tensors]
    return tuple(t.to(dev) for t in tensors)


def _write_json(record: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, suffix=".tmp", delete=False) as f:
        json.dump(record, f, indent=2)
        f.write("\n")
    os.replace(f.name, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m cnncourse.results",
        description="Train the classic networks on Fashion-MNIST and write "
                    "<out>/<name>.json for each (read by chapter 11).")
    parser.add_argument("--models", nargs="+", choices=sorted(MODELS), metavar="NAME",
                        default=list(RESULT_MODELS),
                        help=f"networks to train (default: {' '.join(RESULT_MODELS)}; "
                             f"also: {' '.join(sorted(set(MODELS) - set(RESULT_MODELS)))})")
    parser.add_argument("--epochs", type=int, default=None,
                        help="override every recipe's number of epochs")
    parser.add_argument("--lr", type=float, default=None,
                        help="override every recipe's peak learning rate")
    parser.add_argument("--quick", action="store_true",
                        help="smoke test: 2 batches of 32 per network, tiny evaluation "
                             "sets; the JSON says quick=true")
    parser.add_argument("--out", type=Path, default=REPO / "results",
                        help="folder for the JSON files (default: results/ in the checkout)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.epochs is not None and args.epochs < 1:
        parser.error("--epochs must be at least 1")

    dev = device()
    if dev.type == "cuda":
        torch.backends.cudnn.benchmark = True
        torch.set_float32_matmul_precision("high")
    print(f"training {', '.join(args.models)} on {hardware(dev)}"
          + (" (quick smoke test)" if args.quick else ""), flush=True)
    data = load_data(dev, args.seed)
    summary = []
    for name in args.models:
        record = run_model(name, dev=dev, data=data, seed=args.seed, epochs=args.epochs,
                           lr=args.lr, quick=args.quick)
        path = args.out / f"{name}.json"
        _write_json(record, path)
        summary.append(record)
        print(f"{name}: test accuracy {record['test_acc']:.4f} (target "
              f"{record['target']:.3f}, {'met' if record['met'] else 'NOT met'}), best val "
              f"{record['best_val_acc']:.4f} at epoch {record['best_epoch']}, "
              f"{record['train_seconds']:.1f} s -> {path}", flush=True)
    if len(summary) > 1:
        print(f"\n{'model':<10} {'params':>11} {'MFLOPs':>9} {'epochs':>6} {'seconds':>8} "
              f"{'test acc':>8} {'target':>6}  met")
        for r in summary:
            print(f"{r['model']:<10} {r['params']:>11,} {r['flops'] / 1e6:>9.1f} "
                  f"{r['epochs']:>6} {r['train_seconds']:>8.1f} {r['test_acc']:>8.4f} "
                  f"{r['target']:>6.3f}  {'yes' if r['met'] else 'NO'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
