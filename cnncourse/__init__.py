"""Helpers for the course "Convolutional Networks, from Scratch to ResNet".

- :mod:`cnncourse.data`: Fashion-MNIST (found offline, parsed by torchvision) and loaders;
- :mod:`cnncourse.train`: a seeded training/evaluation loop with tqdm progress, GPU if present;
- :mod:`cnncourse.plots`: image grids, feature maps, filters, training curves;
- :mod:`cnncourse.widgets`: slider explorers that keep working on the static book page;
- :mod:`cnncourse.models`: the small-input classic nets; :mod:`cnncourse.results`: `make results`;
- :mod:`cnncourse.checks`: the strict checks the exercises' tests use.

The plotting and widget names are imported on first use, so ``python -m
cnncourse.results`` on a training machine needs neither matplotlib nor ipywidgets.
"""
from importlib import import_module

from .data import CLASSES, fashion_mnist, loaders, sample_images, tensor_loaders
from .train import History, device, evaluate, seed_everything, train

_EXPORTS = {
    "plot_history": "plots", "show_feature_maps": "plots", "show_filters": "plots",
    "show_images": "plots",
    "explorer": "widgets",
}
__all__ = ["CLASSES", "History", "device", "evaluate", "fashion_mnist", "loaders",
           "sample_images", "seed_everything", "tensor_loaders", "train", *sorted(_EXPORTS)]


def __getattr__(name: str):
    if name in _EXPORTS:
        value = getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
