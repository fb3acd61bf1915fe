"""Plots and widgets of the helper package produce what the chapters show."""
import ipywidgets as W
import matplotlib
import torch

matplotlib.use("Agg")

from cnncourse import explorer, plot_history, show_feature_maps, show_filters, show_images
from cnncourse.train import History


def test_explorer_prerenders_every_setting_and_links_sliders_in_the_browser():
    import matplotlib.pyplot as plt

    def render(a, b):
        fig, ax = plt.subplots(figsize=(1, 1))
        ax.set_title(f"{a}-{b}")
        return fig

    box = explorer(render, title="t", a=[1, 2, 3], b=["x", "y"])
    sliders = [w for w in box.children if isinstance(w, W.SelectionSlider)]
    assert [s.description for s in sliders] == ["a", "b"]
    outer = box.children[-1]
    assert isinstance(outer, W.Stack) and len(outer.children) == 3
    images = [img for inner in outer.children for img in inner.children]
    assert len(images) == 6 and all(isinstance(i, W.Image) and i.value[:4] == b"\x89PNG" for i in images)
    # the links live in the browser (jslink), so the static page responds to the sliders
    assert all(type(link).__name__ == "Link" for link in box.links)  # jslink, not a kernel callback
    linked = {(l.source[0].model_id, l.target[0].model_id) for l in box.links}
    assert (sliders[0].model_id, outer.model_id) in linked
    assert all((sliders[1].model_id, inner.model_id) in linked for inner in outer.children)


def test_plot_helpers_draw_the_expected_panels():
    assert len(show_images(torch.rand(6, 1, 28, 28), [str(i) for i in range(6)]).axes) == 6
    assert len(show_feature_maps(torch.rand(1, 4, 8, 8)).axes) == 4
    assert len(show_filters(torch.randn(8, 1, 3, 3)).axes) == 8
    h = History([1.0, 0.5], [0.5, 0.8], [1.1, 0.6], [0.4, 0.7])
    fig = plot_history({"net": h})
    assert len(fig.axes) == 2 and len(fig.axes[0].lines) == 2
