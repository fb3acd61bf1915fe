"""Helpers for the course "Convolutional Networks, from Scratch to ResNet".

- :mod:`cnncourse.data`: Fashion-MNIST (found offline, parsed by torchvision) and loaders;
- :mod:`cnncourse.train`: a seeded training/evaluation loop with tqdm progress, GPU if present;
- :mod:`cnncourse.plots`: image grids, feature maps, filters, training curves;
- :mod:`cnncourse.widgets`: slider explorers that keep working on the static book page.
"""
from .data import CLASSES, fashion_mnist, loaders, sample_images, tensor_loaders
from .plots import plot_history, show_feature_maps, show_filters, show_images
from .train import History, device, evaluate, seed_everything, train
from .widgets import explorer

__all__ = ["CLASSES", "History", "device", "evaluate", "explorer", "fashion_mnist", "loaders",
           "plot_history", "sample_images", "seed_everything", "show_feature_maps",
           "show_filters", "show_images", "tensor_loaders", "train"]
