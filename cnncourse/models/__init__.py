"""Small-input versions of the classic networks, for (N, 1, 28, 28) Fashion-MNIST.

Each builder takes ``num_classes=10`` and returns a fresh, randomly initialised
``nn.Module``. :data:`MODELS` maps the short names used by the results script
(``python -m cnncourse.results --models resnet18``) and by the comparison chapter to
the builders; :data:`RESULT_MODELS` is the set whose results the course reports
(``plain18``, ResNet-18 without its shortcuts, is there for the degradation
experiment of the ResNet chapter only).
"""
from __future__ import annotations

from collections.abc import Callable

from torch import nn

from .alexnet import alexnet_small
from .densenet import densenet_small
from .googlenet import googlenet_small
from .lenet import bn_lenet5, lenet5
from .resnet import plain18_small, resnet18_small
from .vgg import vgg_small

__all__ = ["MODELS", "RESULT_MODELS", "alexnet_small", "bn_lenet5", "densenet_small",
           "googlenet_small", "lenet5", "plain18_small", "resnet18_small", "vgg_small"]

#: Short name -> builder ``(num_classes=10) -> nn.Module``.
MODELS: dict[str, Callable[..., nn.Module]] = {
    "lenet": lenet5,
    "bn_lenet": bn_lenet5,
    "alexnet": alexnet_small,
    "vgg": vgg_small,
    "googlenet": googlenet_small,
    "resnet18": resnet18_small,
    "densenet": densenet_small,
    "plain18": plain18_small,
}

#: The networks trained by ``make results`` and compared in chapter 11, in course order.
RESULT_MODELS: tuple[str, ...] = ("lenet", "bn_lenet", "alexnet", "vgg", "googlenet",
                                  "resnet18", "densenet")
