"""An AlexNet-style network for 28x28 Fashion-MNIST (after Krizhevsky et al., 2012).

It keeps what made AlexNet AlexNet: five convolutions then three fully connected
layers, ReLU after every one of them, overlapping 3x3 max-pooling with stride 2, and
dropout before each hidden fully connected layer. Only the sizes are scaled down:

================  ==============================  ===============================
layer             original (227x227x3 input)      this variant (28x28x1 input)
================  ==============================  ===============================
conv1             96 @ 11x11, stride 4 -> 55x55   64 @ 5x5, stride 1, pad 2 -> 28x28
max-pool 3/2      -> 27x27                        -> 13x13
conv2             256 @ 5x5 "same" -> 27x27       192 @ 5x5 "same" -> 13x13
max-pool 3/2      -> 13x13                        -> 6x6
conv3, 4, 5       384, 384, 256 @ 3x3 "same"      384, 256, 256 @ 3x3 "same"
max-pool 3/2      -> 6x6x256 = 9216 features      -> 2x2x256 = 1024 features
FC                4096, 4096, 1000                1024, 1024, num_classes
================  ==============================  ===============================

About 4.6 million parameters with the default widths (the original has about 62
million). Widths can be shrunk (``channels``, ``hidden``) for quick CPU demonstrations.
"""
from __future__ import annotations

from collections.abc import Sequence

from torch import nn

__all__ = ["AlexNetSmall", "alexnet_small"]


class AlexNetSmall(nn.Module):
    """AlexNet-style ``features`` (5 convs, 3 max-pools; output (N, channels[4], 2, 2))
    and ``classifier`` (dropout -> FC -> ReLU, twice, then the output layer)."""

    def __init__(self, num_classes: int = 10, channels: Sequence[int] = (64, 192, 384, 256, 256),
                 hidden: int = 1024, dropout: float = 0.5, in_channels: int = 1):
        super().__init__()
        c1, c2, c3, c4, c5 = channels
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, c1, kernel_size=5, padding=2), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),                   # 28 -> 13
            nn.Conv2d(c1, c2, kernel_size=5, padding=2), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),                   # 13 -> 6
            nn.Conv2d(c2, c3, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(c3, c4, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(c4, c5, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),                   # 6 -> 2
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Dropout(dropout), nn.Linear(c5 * 2 * 2, hidden), nn.ReLU(inplace=True),
            nn.Dropout(dropout), nn.Linear(hidden, hidden), nn.ReLU(inplace=True),
            nn.Linear(hidden, num_classes),
        )

    def forward(self, x):
        return self.classifier(self.features(x))


def alexnet_small(num_classes: int = 10) -> AlexNetSmall:
    """The AlexNet-style network for (N, 1, 28, 28) input with its default widths."""
    return AlexNetSmall(num_classes)
