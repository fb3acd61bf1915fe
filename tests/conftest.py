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
