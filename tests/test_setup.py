"""Set-up: pins agree, the helper package finds and loads Fashion-MNIST offline."""
import subprocess
import sys
from pathlib import Path

import pytest
import torch
import yaml

from cnncourse import data

REPO = Path(__file__).resolve().parent.parent


def _requirements() -> set[str]:
    lines = (REPO / "requirements.txt").read_text().splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def test_every_requirement_is_pinned_exactly():
    loose = [r for r in _requirements() if "==" not in r]
    assert not loose, f"unpinned requirements: {loose}"


def test_environment_yml_mirrors_requirements():
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    assert set(pip) == _requirements()


def test_installed_versions_match_the_pins():
    from importlib.metadata import version
    wrong = {}
    for req in _requirements():
        name, pinned = req.split("==")
        if version(name) != pinned:
            wrong[name] = (version(name), pinned)
    assert not wrong, f"installed vs pinned: {wrong}"


def test_loaders_split_train_and_validation_without_overlap():
    train, val, test = data.tensor_loaders(batch_size=256)
    assert (len(train.dataset), len(val.dataset), len(test.dataset)) == (55000, 5000, 10000)
    x, y = next(iter(train))
    assert x.shape == (256, 1, 28, 28) and x.dtype == torch.float32 and y.max() < 10
    # the torchvision-backed loaders use the same seeded split
    t2, v2, _ = data.loaders(batch_size=5000)
    xv, _ = next(iter(v2))
    assert torch.allclose(xv, val.dataset.tensors[0], atol=1e-6)
    assert abs(float(x.mean())) < 0.2, "images should be normalised with the training mean/std"


def test_sample_images_are_real_and_one_per_class():
    x, y = data.sample_images(10)
    assert y.tolist() == list(range(10))
    assert 0.0 <= float(x.min()) and float(x.max()) <= 1.0 and float(x.std()) > 0.1


def test_missing_data_gives_a_message_that_says_what_to_do(tmp_path):
    code = ("from cnncourse.data import data_root, DataUnavailable\n"
            "import cnncourse.data as d, pathlib, torchvision.datasets as ds\n"
            "d.DEBIAN_DIR = pathlib.Path('/nonexistent')\n"
            "def offline(*a, **k): raise RuntimeError('offline')\n"
            "ds.FashionMNIST = offline\n"
            "try:\n    data_root()\nexcept DataUnavailable as e:\n    print(e)\n")
    env = {"CNNCOURSE_DATA": str(tmp_path / "cache"), "FASHION_MNIST_DIR": str(tmp_path / "none"),
           "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    message = out.stdout
    for hint in ("FASHION_MNIST_DIR", "apt-get install dataset-fashion-mnist", "online"):
        assert hint in message, f"missing {hint!r} in: {message or out.stderr}"


def test_explicit_directory_is_used_first(tmp_path):
    raw = data.data_root() / "FashionMNIST" / "raw"
    explicit = tmp_path / "fm"
    explicit.mkdir()
    for name in data.RAW_FILES:
        (explicit / name).symlink_to(raw / name)
    code = "from cnncourse.data import fashion_mnist; print(len(fashion_mnist(False)))"
    env = {"CNNCOURSE_DATA": str(tmp_path / "cache"), "FASHION_MNIST_DIR": str(explicit),
           "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.stdout.strip() == "10000", out.stderr


@pytest.mark.parametrize("module", ["cnncourse", "autograder"])
def test_packages_import(module):
    __import__(module)
