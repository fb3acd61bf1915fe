"""DenseNet-BC for 28x28 Fashion-MNIST (chapter 10).

Inside a dense block every layer receives the concatenation of the block's input and
all earlier layers' outputs, and adds ``growth_rate`` (k) new channels: after l layers a
block that started with c0 channels carries c0 + l*k. Each dense layer is the "BC"
bottleneck BN-ReLU-1x1 conv (bn_size * k channels)-BN-ReLU-3x3 conv (k channels);
between blocks a transition layer (BN-ReLU-1x1 conv, halving the channels, then 2x2
average pooling) compresses and down-samples.

The ImageNet DenseNet-121 starts with a 7x7/2 convolution and a 3x3/2 max-pool. The
small-input variant starts with one 3x3 convolution (stride 1) and no pooling, so its
blocks run at 28x28, 14x14 and 7x7 (and 3x3 for a fourth block). Module names follow
torchvision (``features.denseblock1.denselayer1.conv1``, ``features.transition1``,
``classifier``), so the state_dict of a torchvision ``_DenseBlock`` loads into
:class:`DenseBlock`.
"""
from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

__all__ = ["DenseBlock", "DenseLayer", "DenseNetSmall", "Transition", "densenet_small"]


class DenseLayer(nn.Module):
    """BN-ReLU-1x1 conv (bn_size*k)-BN-ReLU-3x3 conv (k); returns the k new channels only."""

    def __init__(self, in_channels: int, growth_rate: int, bn_size: int = 4,
                 drop_rate: float = 0.0):
        super().__init__()
        self.norm1 = nn.BatchNorm2d(in_channels)
        self.relu1 = nn.ReLU(inplace=True)
        self.conv1 = nn.Conv2d(in_channels, bn_size * growth_rate, kernel_size=1, bias=False)
        self.norm2 = nn.BatchNorm2d(bn_size * growth_rate)
        self.relu2 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(bn_size * growth_rate, growth_rate, kernel_size=3, padding=1,
                               bias=False)
        self.dropout = nn.Dropout(drop_rate)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.conv1(self.relu1(self.norm1(x)))
        out = self.conv2(self.relu2(self.norm2(out)))
        return self.dropout(out)


class DenseBlock(nn.ModuleDict):
    """``num_layers`` dense layers; returns the input and every new feature map, concatenated
    (in_channels + num_layers * growth_rate channels)."""

    def __init__(self, num_layers: int, in_channels: int, growth_rate: int, bn_size: int = 4,
                 drop_rate: float = 0.0):
        super().__init__()
        for i in range(num_layers):
            self.add_module(f"denselayer{i + 1}",
                            DenseLayer(in_channels + i * growth_rate, growth_rate, bn_size,
                                       drop_rate))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        features = [x]
        for layer in self.values():
            features.append(layer(torch.cat(features, dim=1)))
        return torch.cat(features, dim=1)


class Transition(nn.Sequential):
    """BN-ReLU-1x1 conv (compression) -> 2x2 average pool (halves H and W)."""

    def __init__(self, in_channels: int, out_channels: int):
        super().__init__()
        self.norm = nn.BatchNorm2d(in_channels)
        self.relu = nn.ReLU(inplace=True)
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size=1, bias=False)
        self.pool = nn.AvgPool2d(kernel_size=2, stride=2)


class DenseNetSmall(nn.Module):
    """DenseNet-BC for small single-channel images: 3x3 stem, dense blocks and
    transitions (compression 0.5), BN-ReLU, global average pooling, linear classifier."""

    def __init__(self, growth_rate: int = 24, block_config: Sequence[int] = (6, 12, 24, 16),
                 num_init_features: int | None = None, bn_size: int = 4,
                 compression: float = 0.5, drop_rate: float = 0.0, num_classes: int = 10,
                 in_channels: int = 1):
        super().__init__()
        channels = num_init_features or 2 * growth_rate
        self.features = nn.Sequential()
        self.features.add_module("conv0", nn.Conv2d(in_channels, channels, kernel_size=3,
                                                    padding=1, bias=False))
        self.features.add_module("norm0", nn.BatchNorm2d(channels))
        self.features.add_module("relu0", nn.ReLU(inplace=True))
        for i, num_layers in enumerate(block_config):
            self.features.add_module(f"denseblock{i + 1}",
                                     DenseBlock(num_layers, channels, growth_rate, bn_size,
                                                drop_rate))
            channels += num_layers * growth_rate
            if i != len(block_config) - 1:
                out = int(channels * compression)
                self.features.add_module(f"transition{i + 1}", Transition(channels, out))
                channels = out
        self.features.add_module(f"norm{len(block_config) + 1}", nn.BatchNorm2d(channels))
        self.relu = nn.ReLU(inplace=True)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(channels, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                nn.init.zeros_(m.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.relu(self.features(x))
        return self.classifier(torch.flatten(self.avgpool(x), 1))


def densenet_small(num_classes: int = 10, growth_rate: int = 24,
                   block_config: Sequence[int] = (6, 12, 24, 16), **kwargs) -> DenseNetSmall:
    """DenseNet-BC for 28x28 Fashion-MNIST: the DenseNet-121 block layout [6, 12, 24, 16]
    with a 3x3 stem and (by default) growth rate 24."""
    return DenseNetSmall(growth_rate, block_config, num_classes=num_classes, **kwargs)
