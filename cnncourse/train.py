"""A small training and evaluation loop: tqdm progress, GPU when present, seeded.

Kept short on purpose: the chapters show what one step of mini-batch SGD does, and
this loop only repeats it (forward, loss, backward, update) and records the curves.
"""
from __future__ import annotations

import random
import time
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

__all__ = ["History", "accuracy", "device", "evaluate", "seed_everything", "train"]


def device() -> torch.device:
    """The GPU when one is present, else the CPU."""
    if torch.cuda.is_available():
        return torch.device("cuda")
    if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def seed_everything(seed: int = 0) -> None:
    """Seed Python, NumPy and torch (CPU and GPU) so a run can be repeated."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


@dataclass
class History:
    """Per-epoch curves of one training run."""
    train_loss: list[float] = field(default_factory=list)
    train_acc: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_acc: list[float] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return {"train_loss": self.train_loss, "train_acc": self.train_acc,
                "val_loss": self.val_loss, "val_acc": self.val_acc, "seconds": self.seconds}


def accuracy(logits: torch.Tensor, labels: torch.Tensor) -> float:
    """Fraction of rows whose largest logit is the label."""
    return (logits.argmax(dim=1) == labels).float().mean().item()


@torch.no_grad()
def evaluate(model: nn.Module, loader, loss_fn=None, dev: torch.device | None = None,
             ) -> tuple[float, float]:
    """Mean loss and accuracy of ``model`` (in eval mode) over ``loader``."""
    dev = dev or next(model.parameters()).device
    loss_fn = loss_fn or nn.CrossEntropyLoss()
    was_training = model.training
    model.eval()
    total_loss, correct, count = 0.0, 0, 0
    for x, y in loader:
        x, y = x.to(dev), y.to(dev)
        out = model(x)
        total_loss += loss_fn(out, y).item() * len(y)
        correct += (out.argmax(1) == y).sum().item()
        count += len(y)
    model.train(was_training)
    return total_loss / count, correct / count


def train(model: nn.Module, train_loader, val_loader=None, *, epochs: int = 1,
          lr: float = 0.1, optimizer: torch.optim.Optimizer | None = None,
          scheduler=None, loss_fn=None, dev: torch.device | None = None,
          progress: bool = True, max_batches: int | None = None) -> History:
    """Train ``model`` with mini-batch SGD (momentum 0.9 unless an optimizer is given).

    Shows a tqdm bar per epoch, evaluates on ``val_loader`` after each epoch and returns
    the :class:`History`. ``scheduler`` is stepped once per epoch. ``max_batches`` cuts
    every epoch short (for quick demonstrations and tests).
    """
    dev = dev or device()
    model.to(dev)
    loss_fn = loss_fn or nn.CrossEntropyLoss()
    optimizer = optimizer or torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    history = History()
    start = time.perf_counter()
    for epoch in range(epochs):
        model.train()
        seen, loss_sum, correct = 0, 0.0, 0
        total = len(train_loader) if max_batches is None else min(max_batches, len(train_loader))
        bar = tqdm(train_loader, total=total, desc=f"epoch {epoch + 1}/{epochs}",
                   disable=not progress, leave=True)
        for i, (x, y) in enumerate(bar):
            if max_batches is not None and i >= max_batches:
                break
            x, y = x.to(dev), y.to(dev)
            out = model(x)
            loss = loss_fn(out, y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            seen += len(y)
            loss_sum += loss.item() * len(y)
            correct += (out.argmax(1) == y).sum().item()
            bar.set_postfix(loss=f"{loss_sum / seen:.3f}", acc=f"{correct / seen:.3f}")
        bar.close()
        if scheduler is not None:
            scheduler.step()
        history.train_loss.append(loss_sum / seen)
        history.train_acc.append(correct / seen)
        if val_loader is not None:
            val_loss, val_acc = evaluate(model, val_loader, loss_fn, dev)
            history.val_loss.append(val_loss)
            history.val_acc.append(val_acc)
    history.seconds = time.perf_counter() - start
    return history
