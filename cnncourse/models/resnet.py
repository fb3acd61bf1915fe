"""ResNet for 28x28 Fashion-MNIST (chapter 9), and its plain twin without shortcuts.

The ImageNet ResNet starts with a 7x7/2 convolution and a 3x3/2 max-pool, which would
shrink a 28x28 image to 7x7 before the first residual block. The small-input variant
keeps the four stages of basic blocks but starts with one 3x3 convolution (stride 1) and
no max-pool, so the stages run at 28x28, 14x14, 7x7 and 4x4.

``resnet18_small()`` is ResNet-18 (stages [2, 2, 2, 2], widths 64-128-256-512) for
one-channel 28x28 input; ``plain18_small()`` has exactly the same layers without the
shortcuts (the degradation experiment). :class:`ResNetSmall` builds other depths and
widths, e.g. the CIFAR-style ``ResNetSmall([n, n, n], width=16)`` with 6n + 2 layers.
"""
from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

__all__ = ["BasicBlock", "ResNetSmall", "plain18_small", "resnet18_small"]


def conv3x3(in_channels: int, out_channels: int, stride: int = 1) -> nn.Conv2d:
    """A 3x3 convolution with padding 1 and no bias (a BatchNorm follows it)."""
    return nn.Conv2d(in_channels, out_channels, kernel_size=3, stride=stride, padding=1,
                     bias=False)


class BasicBlock(nn.Module):
    """Two 3x3 conv-BN layers; with ``residual=True`` the input is added before the last ReLU.

    out = ReLU(BN(conv(ReLU(BN(conv(x))))) + shortcut(x)), where the shortcut is the
    identity when the shapes match and a 1x1 convolution + BN with the block's stride
    (``downsample``) when they do not. ``residual=False`` gives the plain block: the same
    two layers, no addition, no ``downsample``.
    """

    expansion = 1

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1,
                 residual: bool = True):
        super().__init__()
        self.residual = residual
        self.conv1 = conv3x3(in_channels, out_channels, stride)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(out_channels, out_channels)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.downsample = None
        if residual and (stride != 1 or in_channels != out_channels):
            self.downsample = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, kernel_size=1, stride=stride, bias=False),
                nn.BatchNorm2d(out_channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.residual:
            out = out + (x if self.downsample is None else self.downsample(x))
        return self.relu(out)


class ResNetSmall(nn.Module):
    """A ResNet for small single-channel images: 3x3 stem, stages of basic blocks, head.

    ``layers[i]`` blocks in stage ``i`` (named ``layer1``, ``layer2``, ...) with
    ``width * 2**i`` channels; every stage after the first halves H and W with a stride-2
    first block. Depth (weight layers) = 2 * sum(layers) + 2 (the stem and ``fc``).
    ``zero_init_residual`` starts each block's last BN scale at 0, so every residual
    block is the identity at initialisation (ignored for plain networks, where it would
    cut the signal).
    """

    def __init__(self, layers: Sequence[int], width: int = 64, num_classes: int = 10, *,
                 residual: bool = True, in_channels: int = 1,
                 zero_init_residual: bool = False):
        super().__init__()
        self.residual = residual
        self.conv1 = conv3x3(in_channels, width)
        self.bn1 = nn.BatchNorm2d(width)
        self.relu = nn.ReLU(inplace=True)
        channels = width
        for i, blocks in enumerate(layers):
            out_channels = width * 2 ** i
            stage = []
            for b in range(blocks):
                stride = 2 if (i > 0 and b == 0) else 1
                stage.append(BasicBlock(channels, out_channels, stride, residual=residual))
                channels = out_channels
            self.add_module(f"layer{i + 1}", nn.Sequential(*stage))
        self.num_stages = len(layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(channels, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
        if zero_init_residual and residual:
            for m in self.modules():
                if isinstance(m, BasicBlock):
                    nn.init.zeros_(m.bn2.weight)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.relu(self.bn1(self.conv1(x)))
        for i in range(self.num_stages):
            x = getattr(self, f"layer{i + 1}")(x)
        x = torch.flatten(self.avgpool(x), 1)
        return self.fc(x)


def resnet18_small(num_classes: int = 10, width: int = 64, **kwargs) -> ResNetSmall:
    """ResNet-18 for 28x28 Fashion-MNIST: 3x3 stem (no max-pool), [2, 2, 2, 2] basic blocks."""
    return ResNetSmall([2, 2, 2, 2], width, num_classes, residual=True, **kwargs)


def plain18_small(num_classes: int = 10, width: int = 64, **kwargs) -> ResNetSmall:
    """The same 18 layers as :func:`resnet18_small` without any shortcut."""
    return ResNetSmall([2, 2, 2, 2], width, num_classes, residual=False, **kwargs)
