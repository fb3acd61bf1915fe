"""Matplotlib helpers shared by the chapters: image grids, feature maps, filters, curves."""
from __future__ import annotations

import io
import math
from collections.abc import Sequence

import matplotlib.pyplot as plt
import torch

__all__ = ["figure_png", "plot_history", "show_feature_maps", "show_filters", "show_images"]


def _grid(n: int, ncols: int | None, size: float):
    ncols = ncols or min(n, 8)
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows + 0.3),
                             squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    return fig, axes.flat


def _as_2d(t: torch.Tensor):
    t = t.detach().cpu().float()
    while t.dim() > 2:
        t = t[0]
    return t.numpy()


def show_images(images: torch.Tensor, titles: Sequence[str] | None = None, *,
                ncols: int | None = None, size: float = 1.6, cmap: str = "gray",
                suptitle: str | None = None):
    """A grid of single-channel images (N, 1, H, W) or (N, H, W), with optional titles."""
    fig, axes = _grid(len(images), ncols, size)
    for i, (ax, img) in enumerate(zip(axes, images)):
        ax.imshow(_as_2d(img), cmap=cmap)
        if titles is not None:
            ax.set_title(titles[i], fontsize=8)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


def show_feature_maps(maps: torch.Tensor, *, ncols: int | None = None, size: float = 1.3,
                      cmap: str = "viridis", suptitle: str | None = None):
    """Every channel of one feature-map tensor (C, H, W) or (1, C, H, W), one panel each."""
    maps = maps.detach().cpu()
    if maps.dim() == 4:
        maps = maps[0]
    return show_images(maps, [f"ch {i}" for i in range(len(maps))], ncols=ncols, size=size,
                       cmap=cmap, suptitle=suptitle)


def show_filters(weight: torch.Tensor, *, ncols: int | None = None, size: float = 1.1,
                 cmap: str = "RdBu_r", suptitle: str | None = None):
    """The first input channel of each kernel of a conv weight (C_out, C_in, kH, kW),
    on a symmetric colour scale so that positive and negative weights are comparable."""
    w = weight.detach().cpu()[:, 0]
    fig, axes = _grid(len(w), ncols, size)
    for i, (ax, k) in enumerate(zip(axes, w)):
        lim = k.abs().max().item() or 1.0
        ax.imshow(k.numpy(), cmap=cmap, vmin=-lim, vmax=lim)
        ax.set_title(f"filter {i}", fontsize=8)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


def plot_history(histories: dict, *, title: str | None = None):
    """Loss and accuracy curves of one or more runs: ``{label: History}``."""
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 3.4))
    for label, h in histories.items():
        epochs = range(1, len(h.train_loss) + 1)
        line, = ax_loss.plot(epochs, h.train_loss, marker="o", label=f"{label} train")
        if h.val_loss:
            ax_loss.plot(epochs, h.val_loss, ls="--", marker="s", color=line.get_color(),
                         label=f"{label} validation")
        ax_acc.plot(epochs, h.train_acc, marker="o", color=line.get_color(),
                    label=f"{label} train")
        if h.val_acc:
            ax_acc.plot(epochs, h.val_acc, ls="--", marker="s", color=line.get_color(),
                        label=f"{label} validation")
    ax_loss.set(xlabel="epoch", ylabel="cross-entropy loss")
    ax_acc.set(xlabel="epoch", ylabel="accuracy")
    for ax in (ax_loss, ax_acc):
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def figure_png(fig, dpi: int = 80) -> bytes:
    """Render a figure to PNG bytes and close it (for image widgets)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()
