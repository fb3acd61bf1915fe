import os
import shutil
import sys
from pathlib import Path

# the shared assignment checks live beside the tests
sys.path.insert(0, str(Path(__file__).parent))

import pytest

BUILD = Path(__file__).resolve().parent.parent / "_build" / "html"


@pytest.fixture(scope="session")
def built_book() -> Path:
    """The book built by `make book` (which `make test` runs first)."""
    if not (BUILD / "index.html").exists():
        pytest.fail("the book is not built: run `make test` (or `make book` first)")
    return BUILD


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("Debian's chromium is missing: run `make test` as root (it installs it) "
                    "or `sudo apt-get install chromium`, or set CHROMIUM=/path/to/chromium")
    return path


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        yield b
        b.close()
