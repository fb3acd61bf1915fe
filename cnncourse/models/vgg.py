"""VGG (Simonyan & Zisserman, 2014) built from configuration lists, and a small
batch-normalised VGG for 28x28 Fashion-MNIST.

A configuration is a list of output-channel counts (a 3x3 convolution with padding 1,
then ReLU) and ``"M"`` (a 2x2 max-pool with stride 2). :func:`make_layers` turns one into
an ``nn.Sequential``, the PyTorch counterpart of TF-slim's ``repeat``/``stack`` helpers.
``CFGS`` holds the ImageNet VGG-11/13/16/19 lists; ``VGG_SMALL_CFG`` is the 28x28 one::

    64, 64, M        28 -> 14
    128, 128, M      14 -> 7
    256, 256, 256, M  7 -> 3      then 256*3*3 = 2304 -> 512 -> 512 -> num_classes

:func:`vgg_small` (batch norm after every convolution, dropout after the hidden fully
connected layers) has about 3.2 million parameters.
"""
from __future__ import annotations

from collections.abc import Sequence

from torch import nn

__all__ = ["CFGS", "VGG_SMALL_CFG", "VGGSmall", "make_layers", "vgg_small"]

CFGS: dict[str, list] = {
    "vgg11": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "vgg13": [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "vgg16": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M",
              512, 512, 512, "M"],
    "vgg19": [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M",
              512, 512, 512, 512, "M"],
}
VGG_SMALL_CFG: list = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M"]


def make_layers(cfg: Sequence, batch_norm: bool = False, in_channels: int = 3) -> nn.Sequential:
    """Turn a configuration list into conv(3x3, pad 1) [-> BN] -> ReLU and 2x2 max-pool
    layers, in the same order and with the same indices as torchvision's VGG."""
    layers: list[nn.Module] = []
    for v in cfg:
        if v == "M":
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
        else:
            layers.append(nn.Conv2d(in_channels, v, kernel_size=3, padding=1))
            if batch_norm:
                layers.append(nn.BatchNorm2d(v))
            layers.append(nn.ReLU(inplace=True))
            in_channels = v
    return nn.Sequential(*layers)


class VGGSmall(nn.Module):
    """VGG ``features`` from ``cfg`` (with batch norm) for (N, 1, 28, 28) input, then a
    ``classifier`` of two hidden fully connected layers with ReLU and dropout."""

    def __init__(self, num_classes: int = 10, cfg: Sequence = VGG_SMALL_CFG,
                 hidden: int = 512, dropout: float = 0.5, batch_norm: bool = True):
        super().__init__()
        self.features = make_layers(cfg, batch_norm=batch_norm, in_channels=1)
        side = 28 // 2 ** sum(1 for v in cfg if v == "M")
        channels = [v for v in cfg if v != "M"][-1]
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(channels * side * side, hidden), nn.ReLU(inplace=True), nn.Dropout(dropout),
            nn.Linear(hidden, hidden), nn.ReLU(inplace=True), nn.Dropout(dropout),
            nn.Linear(hidden, num_classes),
        )

    def forward(self, x):
        return self.classifier(self.features(x))


def vgg_small(num_classes: int = 10) -> VGGSmall:
    """The batch-normalised VGG for (N, 1, 28, 28) input (channels 64-128-256)."""
    return VGGSmall(num_classes)
