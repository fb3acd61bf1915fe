"""Interactive explorers that keep working on the static book page.

A Python callback needs a running kernel; the rendered book has none. So an explorer
renders every setting of its sliders once, while the chapter executes, into image
widgets held in nested ``ipywidgets.Stack`` containers, and links each slider to the
stacks' ``selected_index`` in the browser (``jslink``). The widget state is embedded in
the page, so the sliders respond in the book exactly as in JupyterLab.
"""
from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

import ipywidgets as W

from .plots import figure_png

__all__ = ["explorer"]


def explorer(render: Callable, *, title: str = "", dpi: int = 70,
             **params: Sequence) -> W.VBox:
    """A slider per keyword of ``params`` (name -> the values to offer) over the figures
    ``render(**values)`` returns (a matplotlib figure each).

    Every combination is rendered up front, so keep the product of the value counts
    small (a few dozen figures).
    """
    if not params:
        raise ValueError("explorer needs at least one parameter to slide over")
    names = list(params)
    values = [list(params[n]) for n in names]
    images = {combo: W.Image(value=figure_png(render(**dict(zip(names, combo))), dpi=dpi),
                             format="png")
              for combo in itertools.product(*values)}
    stacks_at_depth: list[list[W.Stack]] = [[] for _ in names]

    def build(depth: int, prefix: tuple) -> W.Widget:
        if depth == len(names):
            return images[prefix]
        stack = W.Stack([build(depth + 1, prefix + (v,)) for v in values[depth]],
                        selected_index=0)
        stacks_at_depth[depth].append(stack)
        return stack

    root = build(0, ())
    sliders, links = [], []
    for depth, name in enumerate(names):
        slider = W.SelectionSlider(options=[str(v) for v in values[depth]], index=0,
                                   description=name, continuous_update=True,
                                   style={"description_width": "initial"})
        for stack in stacks_at_depth[depth]:
            links.append(W.jslink((slider, "index"), (stack, "selected_index")))
        sliders.append(slider)
    header = [W.HTML(f"<b>{title}</b>")] if title else []
    box = W.VBox(header + sliders + [root])
    box.links = links  # the browser-side (slider -> stack) links, for inspection
    return box
