"""GoogLeNet (Inception v1) for 28x28 Fashion-MNIST (chapter 8).

The ImageNet GoogLeNet takes 224x224 images and shrinks them 32-fold before the
classifier: a 7x7/2 convolution, two 3x3/2 max-pools, then Inception blocks at 28x28
(3a, 3b), 14x14 (4a-4e) and 7x7 (5a, 5b). The small-input variant keeps the same 22
weight layers and the same channel table, but its stem is a 3x3 convolution (stride 1),
a 1x1 and a 3x3 convolution at 28x28 followed by one max-pool, so the Inception blocks
run at 14x14 (3a, 3b), 7x7 (4a-4e) and 4x4 (5a, 5b). ``width`` scales every channel
count (1.0 = the paper's table; the chapter trains ``width=0.25`` on a CPU).

Unlike torchvision's GoogLeNet, the fourth Inception branch is a true 5x5 convolution,
as in the paper (torchvision uses a 3x3 there).
"""
from __future__ import annotations

from typing import NamedTuple

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["INCEPTION_CFG", "BasicConv2d", "GoogLeNetOutputs", "GoogLeNetSmall", "Inception",
           "InceptionAux", "googlenet_small"]

#: The paper's Inception blocks: (ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj).
INCEPTION_CFG = {
    "3a": (64, 96, 128, 16, 32, 32),
    "3b": (128, 128, 192, 32, 96, 64),
    "4a": (192, 96, 208, 16, 48, 64),
    "4b": (160, 112, 224, 24, 64, 64),
    "4c": (128, 128, 256, 24, 64, 64),
    "4d": (112, 144, 288, 32, 64, 64),
    "4e": (256, 160, 320, 32, 128, 128),
    "5a": (256, 160, 320, 32, 128, 128),
    "5b": (384, 192, 384, 48, 128, 128),
}


class BasicConv2d(nn.Module):
    """Convolution (no bias) -> BatchNorm (eps 0.001) -> ReLU, the unit of every layer."""

    def __init__(self, in_channels: int, out_channels: int, **kwargs):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, bias=False, **kwargs)
        self.bn = nn.BatchNorm2d(out_channels, eps=0.001)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.relu(self.bn(self.conv(x)), inplace=True)


class Inception(nn.Module):
    """Four parallel branches that keep H and W, concatenated along the channels.

    branch1: 1x1; branch2: 1x1 -> 3x3; branch3: 1x1 -> 5x5; branch4: 3x3 max-pool
    (stride 1) -> 1x1. Output channels: ch1x1 + ch3x3 + ch5x5 + pool_proj.
    """

    def __init__(self, in_channels: int, ch1x1: int, ch3x3red: int, ch3x3: int,
                 ch5x5red: int, ch5x5: int, pool_proj: int):
        super().__init__()
        self.branch1 = BasicConv2d(in_channels, ch1x1, kernel_size=1)
        self.branch2 = nn.Sequential(BasicConv2d(in_channels, ch3x3red, kernel_size=1),
                                     BasicConv2d(ch3x3red, ch3x3, kernel_size=3, padding=1))
        self.branch3 = nn.Sequential(BasicConv2d(in_channels, ch5x5red, kernel_size=1),
                                     BasicConv2d(ch5x5red, ch5x5, kernel_size=5, padding=2))
        self.branch4 = nn.Sequential(nn.MaxPool2d(kernel_size=3, stride=1, padding=1),
                                     BasicConv2d(in_channels, pool_proj, kernel_size=1))
        self.out_channels = ch1x1 + ch3x3 + ch5x5 + pool_proj

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)],
                         dim=1)


class InceptionAux(nn.Module):
    """An auxiliary classifier on an intermediate layer: pool -> 1x1 conv -> FC -> FC.

    The paper pools 14x14 maps to 4x4 (5x5 average pool, stride 3); here the maps are
    7x7 and an adaptive average pool brings them to 2x2.
    """

    def __init__(self, in_channels: int, num_classes: int, mid_channels: int = 128,
                 hidden: int = 1024, dropout: float = 0.7):
        super().__init__()
        self.avgpool = nn.AdaptiveAvgPool2d(2)
        self.conv = BasicConv2d(in_channels, mid_channels, kernel_size=1)
        self.fc1 = nn.Linear(mid_channels * 4, hidden)
        self.dropout = nn.Dropout(dropout)
        self.fc2 = nn.Linear(hidden, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = torch.flatten(self.conv(self.avgpool(x)), 1)
        return self.fc2(self.dropout(F.relu(self.fc1(x), inplace=True)))


class GoogLeNetOutputs(NamedTuple):
    """What the network returns in training mode when it has auxiliary classifiers."""
    logits: torch.Tensor
    aux_logits2: torch.Tensor
    aux_logits1: torch.Tensor


class GoogLeNetSmall(nn.Module):
    """GoogLeNet for small single-channel images (see the module docstring).

    With ``aux_logits=True`` the network has the two auxiliary classifiers (after 4a and
    4d); in training mode it then returns :class:`GoogLeNetOutputs`, in eval mode only the
    main logits. With ``aux_logits=False`` (the default) it always returns the logits.
    """

    def __init__(self, num_classes: int = 10, width: float = 1.0, *, aux_logits: bool = False,
                 dropout: float = 0.2, in_channels: int = 1):
        super().__init__()

        def c(n: int) -> int:
            return max(1, round(n * width))

        self.conv1 = BasicConv2d(in_channels, c(64), kernel_size=3, padding=1)
        self.conv2 = BasicConv2d(c(64), c(64), kernel_size=1)
        self.conv3 = BasicConv2d(c(64), c(192), kernel_size=3, padding=1)
        self.maxpool2 = nn.MaxPool2d(3, stride=2, padding=1)  # 28 -> 14
        channels = c(192)
        for name in INCEPTION_CFG:
            block = Inception(channels, *(c(n) for n in INCEPTION_CFG[name]))
            self.add_module(f"inception{name}", block)
            channels = block.out_channels
            if name == "3b":
                self.maxpool3 = nn.MaxPool2d(3, stride=2, padding=1)  # 14 -> 7
            elif name == "4e":
                self.maxpool4 = nn.MaxPool2d(3, stride=2, padding=1)  # 7 -> 4
        self.aux_logits = aux_logits
        if aux_logits:
            self.aux1 = InceptionAux(self.inception4a.out_channels, num_classes,
                                     c(128), c(1024))
            self.aux2 = InceptionAux(self.inception4d.out_channels, num_classes,
                                     c(128), c(1024))
        else:
            self.aux1 = self.aux2 = None
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(channels, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, std=0.01)
                nn.init.zeros_(m.bias)

    def forward(self, x: torch.Tensor):
        x = self.maxpool2(self.conv3(self.conv2(self.conv1(x))))          # 14x14
        x = self.maxpool3(self.inception3b(self.inception3a(x)))          # 7x7
        x = self.inception4a(x)
        aux1 = self.aux1(x) if self.aux1 is not None and self.training else None
        x = self.inception4d(self.inception4c(self.inception4b(x)))
        aux2 = self.aux2(x) if self.aux2 is not None and self.training else None
        x = self.maxpool4(self.inception4e(x))                            # 4x4
        x = self.inception5b(self.inception5a(x))
        x = self.fc(self.dropout(torch.flatten(self.avgpool(x), 1)))
        if aux1 is not None:
            return GoogLeNetOutputs(x, aux2, aux1)
        return x


def googlenet_small(num_classes: int = 10, width: float = 1.0, **kwargs) -> GoogLeNetSmall:
    """GoogLeNet for 28x28 Fashion-MNIST (22 weight layers, the paper's channel table
    scaled by ``width``)."""
    return GoogLeNetSmall(num_classes, width, **kwargs)
