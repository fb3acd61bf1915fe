"""Fashion-MNIST for the course: find the files, let torchvision parse them, build loaders.

Where the raw files come from, in this order:

1. the directory named by the ``FASHION_MNIST_DIR`` environment variable
   (the four ``*-ubyte.gz`` files, or a torchvision ``FashionMNIST/raw`` folder);
2. the Debian package ``dataset-fashion-mnist`` (``/usr/share/datasets/fashion-mnist``);
3. torchvision's own download, when the machine is online.

The files are unpacked once into a cache directory (``CNNCOURSE_DATA``, default
``.data/`` in the course checkout) where ``torchvision.datasets.FashionMNIST`` reads them.
Run ``python -m cnncourse data`` to prepare the data and print where it is.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import torch
from torch.utils.data import DataLoader, Subset, TensorDataset
from torchvision import datasets, transforms
from torchvision.datasets.utils import extract_archive

__all__ = [
    "CLASSES", "MEAN", "STD", "DataUnavailable", "data_root", "fashion_mnist",
    "fashion_mnist_tensors", "loaders", "sample_images", "tensor_loaders",
]

CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")
#: Training-set mean and standard deviation of the pixel values (scaled to [0, 1]).
MEAN, STD = 0.2860, 0.3530

DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")
RAW_FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
             "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")


class DataUnavailable(RuntimeError):
    """Raised when Fashion-MNIST can be found nowhere; the message says what to do."""


def _cache_dir() -> Path:
    if os.environ.get("CNNCOURSE_DATA"):
        return Path(os.environ["CNNCOURSE_DATA"]).expanduser()
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "_toc.yml").exists() and os.access(checkout, os.W_OK):
        return checkout / ".data"
    return Path.home() / ".cache" / "cnncourse"


def _source_dirs() -> list[Path]:
    dirs = []
    if os.environ.get("FASHION_MNIST_DIR"):
        explicit = Path(os.environ["FASHION_MNIST_DIR"]).expanduser()
        dirs += [explicit, explicit / "FashionMNIST" / "raw", explicit / "raw"]
    dirs.append(DEBIAN_DIR)
    return dirs


def _find_raw(directory: Path, name: str) -> Path | None:
    for candidate in (directory / name, directory / f"{name}.gz"):
        if candidate.is_file():
            return candidate
    return None


def data_root() -> Path:
    """Return a directory that ``torchvision.datasets.FashionMNIST(root)`` can read.

    Unpacks the raw files into the cache on first use; later calls only check them.
    """
    root = _cache_dir()
    raw = root / "FashionMNIST" / "raw"
    if all((raw / name).is_file() for name in RAW_FILES):
        return root
    for source in _source_dirs():
        found = [_find_raw(source, name) for name in RAW_FILES]
        if all(found):
            raw.mkdir(parents=True, exist_ok=True)
            for name, path in zip(RAW_FILES, found):
                if path.suffix == ".gz":
                    extract_archive(str(path), str(raw))
                else:
                    shutil.copyfile(path, raw / name)
            return root
    try:  # last resort: torchvision's own download (needs the internet)
        datasets.FashionMNIST(root, train=True, download=True)
        datasets.FashionMNIST(root, train=False, download=True)
        return root
    except Exception as error:  # noqa: BLE001 - any failure means "not available"
        reason = f"{type(error).__name__}: {error}"
    raise DataUnavailable(
        "Fashion-MNIST was not found. Do one of these:\n"
        "  1. set FASHION_MNIST_DIR to a folder holding train-images-idx3-ubyte.gz, "
        "train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz;\n"
        "  2. install the Debian package: sudo apt-get install dataset-fashion-mnist "
        f"(files in {DEBIAN_DIR});\n"
        f"  3. go online so torchvision can download it (it failed: {reason})."
    )


def _normalize() -> transforms.Normalize:
    return transforms.Normalize((MEAN,), (STD,))


def fashion_mnist(train: bool = True, *, normalize: bool = True, resize: int | None = None,
                  augment: bool = False) -> datasets.FashionMNIST:
    """The torchvision dataset with the course's transforms.

    ``resize`` up-samples the 28x28 images (e.g. 224 for the ImageNet-sized nets);
    ``augment`` adds random horizontal flips and 2-pixel random crops (training only).
    """
    steps = []
    if augment:
        steps += [transforms.RandomHorizontalFlip(), transforms.RandomCrop(28, padding=2)]
    if resize:
        steps.append(transforms.Resize(resize, antialias=True))
    steps.append(transforms.ToTensor())
    if normalize:
        steps.append(_normalize())
    return datasets.FashionMNIST(data_root(), train=train, transform=transforms.Compose(steps))


def fashion_mnist_tensors(train: bool = True, normalize: bool = True,
                          ) -> tuple[torch.Tensor, torch.Tensor]:
    """All images of one split as a float tensor (N, 1, 28, 28) and labels (N,).

    Faster than a DataLoader for small models: no per-image transform.
    """
    ds = datasets.FashionMNIST(data_root(), train=train)
    x = ds.data.unsqueeze(1).float().div_(255)
    if normalize:
        x = (x - MEAN) / STD
    return x, ds.targets.clone()


def _split(n: int, val_size: int, seed: int) -> tuple[list[int], list[int]]:
    order = torch.randperm(n, generator=torch.Generator().manual_seed(seed)).tolist()
    return order[val_size:], order[:val_size]


def loaders(batch_size: int = 128, *, val_size: int = 5000, seed: int = 0,
            train_subset: int | None = None, resize: int | None = None,
            augment: bool = False, num_workers: int = 0,
            ) -> tuple[DataLoader, DataLoader, DataLoader]:
    """Train, validation and test loaders.

    The validation set is ``val_size`` images held out of the 60,000 training images
    (a fixed, seeded split); the test set is the official 10,000 images, to be used once.
    ``train_subset`` keeps only the first N training images of the split (quick demos).
    """
    train_full = fashion_mnist(True, resize=resize, augment=augment)
    plain_full = fashion_mnist(True, resize=resize) if augment else train_full
    train_idx, val_idx = _split(len(train_full), val_size, seed)
    if train_subset is not None:
        train_idx = train_idx[:train_subset]
    g = torch.Generator().manual_seed(seed)
    kwargs = dict(batch_size=batch_size, num_workers=num_workers)
    return (DataLoader(Subset(train_full, train_idx), shuffle=True, generator=g, **kwargs),
            DataLoader(Subset(plain_full, val_idx), shuffle=False, **kwargs),
            DataLoader(fashion_mnist(False, resize=resize), shuffle=False, **kwargs))


def tensor_loaders(batch_size: int = 128, *, val_size: int = 5000, seed: int = 0,
                   train_subset: int | None = None,
                   ) -> tuple[DataLoader, DataLoader, DataLoader]:
    """Like :func:`loaders` but from in-memory tensors at 28x28 (no augmentation): the
    fastest way to train the small networks of the chapters on a CPU."""
    x, y = fashion_mnist_tensors(True)
    train_idx, val_idx = _split(len(y), val_size, seed)
    if train_subset is not None:
        train_idx = train_idx[:train_subset]
    xt, yt = fashion_mnist_tensors(False)
    g = torch.Generator().manual_seed(seed)
    return (DataLoader(TensorDataset(x[train_idx], y[train_idx]), batch_size=batch_size,
                       shuffle=True, generator=g),
            DataLoader(TensorDataset(x[val_idx], y[val_idx]), batch_size=batch_size),
            DataLoader(TensorDataset(xt, yt), batch_size=batch_size))


def sample_images(n: int = 8, *, train: bool = True, seed: int = 0, normalize: bool = False,
                  ) -> tuple[torch.Tensor, torch.Tensor]:
    """``n`` images (n, 1, 28, 28) in [0, 1] (or normalised) and their labels, one per
    class first so a small sample shows the variety."""
    x, y = fashion_mnist_tensors(train, normalize=normalize)
    g = torch.Generator().manual_seed(seed)
    picks = []
    for c in range(len(CLASSES)):
        members = (y == c).nonzero().flatten()
        picks.append(members[torch.randint(len(members), (1,), generator=g)].item())
    if n > len(picks):
        picks += torch.randint(len(y), (n - len(picks),), generator=g).tolist()
    picks = picks[:n]
    return x[picks], y[picks]
