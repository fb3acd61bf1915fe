"""Checks used by the exercises' visible and hidden tests.

Every check is strict about types (a real ``torch.Tensor``, a real ``int``, a real
``set`` of ``str``), so an object that pretends to be equal to everything gets nothing,
and every failure message says what is wrong and where to look.
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterable

import torch
from torch.utils._python_dispatch import TorchDispatchMode

__all__ = ["ForbiddenCall", "check_close", "check_int", "check_bool", "check_options",
           "check_own", "check_shape", "forbid_ops", "ops_called"]


class ForbiddenCall(AssertionError):
    """A from-scratch exercise called the PyTorch routine it re-implements."""


def _is_tensor(x) -> bool:
    return type(x) is torch.Tensor or type(x) is torch.nn.Parameter


def check_shape(actual, shape: Iterable[int], what: str = "the result", hint: str = "") -> None:
    """``actual`` is a plain tensor of exactly this shape."""
    shape = tuple(shape)
    if not _is_tensor(actual):
        raise AssertionError(f"{what} should be a torch.Tensor, got {type(actual).__name__}")
    if tuple(actual.shape) != shape:
        raise AssertionError(f"{what} has shape {tuple(actual.shape)}, expected {shape}"
                             + (f": {hint}" if hint else ""))


def check_close(actual, expected: torch.Tensor, what: str = "the result", hint: str = "",
                atol: float = 1e-5, rtol: float = 1e-4) -> None:
    """``actual`` is a plain tensor with the dtype, shape and values of ``expected``."""
    if not _is_tensor(actual):
        raise AssertionError(f"{what} should be a torch.Tensor, got {type(actual).__name__}")
    check_shape(actual, expected.shape, what, hint)
    if actual.dtype != expected.dtype:
        raise AssertionError(f"{what} has dtype {actual.dtype}, expected {expected.dtype}")
    a = actual.detach().to("cpu", torch.float64)
    e = expected.detach().to("cpu", torch.float64)
    if not bool(torch.isfinite(a).all()) and bool(torch.isfinite(e).all()):
        raise AssertionError(f"{what} contains NaN or infinite values"
                             + (f": {hint}" if hint else ""))
    err = (a - e).abs()
    bad = err > atol + rtol * e.abs()
    if bool(bad.any()):
        worst = int(err.flatten().argmax())
        index = tuple(int(i) for i in torch.unravel_index(torch.tensor(worst), a.shape))
        raise AssertionError(
            f"{what} differs from the expected values at {int(bad.sum())} of {a.numel()} "
            f"positions; the largest difference is {err.max().item():.3g} at index {index} "
            f"(got {a[index].item():.5g}, expected {e[index].item():.5g})"
            + (f": {hint}" if hint else ""))


def check_int(actual, expected: int, what: str = "the answer", hint: str = "") -> None:
    """``actual`` is a plain ``int`` (not a bool, float or tensor) equal to ``expected``."""
    if type(actual) is not int:
        raise AssertionError(f"{what} should be an int, got {type(actual).__name__} "
                             f"({actual!r:.60})")
    if actual != expected:
        raise AssertionError(f"{what} is {actual}, expected {expected}"
                             + (f": {hint}" if hint else ""))


_BORROWED = ("torchvision", "cnncourse")   # where ready-made versions of the graded code live


def check_own(obj, name: str) -> None:
    """``obj`` (a graded class, function, or a model a graded function returned) is the
    student's own code: not imported, wrapped or subclassed from torchvision or the
    course's helper package, whose versions would pass the behaviour tests."""
    if isinstance(obj, torch.nn.Module):
        obj = type(obj)
    if isinstance(obj, type):
        origins = [k.__module__ for k in obj.__mro__]
    else:
        target = getattr(obj, "func", obj)   # a functools.partial: what it calls
        origins = [getattr(target, "__module__", None) or ""]
    borrowed = [m for m in origins if m.split(".")[0] in _BORROWED]
    if borrowed:
        raise AssertionError(
            f"{name} comes from {borrowed[0]}: write your own in its answer cell (a ready-made "
            "version from torchvision or the course's helper package earns no points)")


def check_bool(actual, expected: bool, what: str = "the answer") -> None:
    if type(actual) is not bool:
        raise AssertionError(f"{what} should be True or False, got {type(actual).__name__}")
    if actual is not expected:
        raise AssertionError(f"{what} is not right")


def check_options(actual, expected: set[str], what: str = "the answer") -> None:
    """A multiple-choice answer: a set of option letters such as ``{"a", "c"}``."""
    if type(actual) is not set or not all(type(x) is str for x in actual):
        raise AssertionError(f"{what} should be a set of option letters like {{'a', 'c'}}, "
                             f"got {type(actual).__name__}")
    if {x.strip().lower() for x in actual} != set(expected):
        raise AssertionError(f"{what} is not right")


class _Recorder(TorchDispatchMode):
    def __init__(self):
        super().__init__()
        self.ops: set[str] = set()

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        self.ops.add(func._schema.name.split("::")[-1])
        return func(*args, **(kwargs or {}))


@contextlib.contextmanager
def ops_called():
    """Record the ATen operators that run inside the block (a set of names such as
    ``"convolution"``), whatever Python name they were reached by."""
    recorder = _Recorder()
    with recorder:
        yield recorder.ops


@contextlib.contextmanager
def forbid_ops(*names: str, routine: str):
    """Fail if any of the ATen operators ``names`` runs inside the block.

    Used by the from-scratch tests: ``conv2d`` must not reach ``aten::convolution``
    however it is called (``F.conv2d``, ``nn.Conv2d``, ``torch.convolution``, ...).
    """
    with ops_called() as ops:
        yield
    used = sorted(ops & set(names))
    if used:
        raise ForbiddenCall(f"your code called {routine} (operator {', '.join(used)}): this "
                            "exercise asks you to compute it from scratch with basic "
                            "tensor operations")

