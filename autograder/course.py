"""Generate student versions and grade submissions with nbgrader's own converters.

Grading works in a course directory of its own (``source/`` pointing at the
instructor's solutions, ``submitted/``, ``autograded/``, ``gradebook.db``), so the
repository is never written to and several gradings can run side by side.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SOLUTIONS = REPO / "solutions"
EXERCISES = REPO / "exercises"

_CONFIG_TEMPLATE = """\
# written by autograder.course: settings shared with the repository's nbgrader_config.py
from autograder.config import configure
configure(c, {root!r}, source={source!r}, release="release", db_url={db_url!r})
"""


def assignments() -> list[str]:
    """The assignment names (``01-convolution``, ...) found in ``solutions/``."""
    return sorted(p.name for p in SOLUTIONS.iterdir() if p.is_dir() and p.name[:2].isdigit())


def notebook_name(assignment: str) -> str:
    """The file name of an assignment's (single) notebook."""
    (nb,) = sorted((SOLUTIONS / assignment).glob("*.ipynb"))
    return nb.name


def _nbgrader(root: Path, *args: str) -> subprocess.CompletedProcess:
    """Run an ``nbgrader`` command in the course directory ``root``; raise with its
    log when it fails."""
    cmd = [sys.executable, "-m", "nbgrader", *args]
    proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True,
                          env={**os.environ, "PYTHONWARNINGS": "ignore",
                               # nbgrader runs `alembic` from the environment's bin dir
                               "PATH": f"{Path(sys.executable).parent}{os.pathsep}"
                                       f"{os.environ.get('PATH', '')}"})
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed in {root}:\n{proc.stdout}\n{proc.stderr}")
    return proc


def _course_dir(root: Path, db_url: str | None = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    db_url = db_url or f"sqlite:///{root / 'gradebook.db'}"
    (root / "nbgrader_config.py").write_text(
        _CONFIG_TEMPLATE.format(root=str(root), source=str(SOLUTIONS), db_url=db_url))
    return root


def generate(assignment: str, release_root: Path | None = None) -> Path:
    """Generate the student version of ``assignment`` from ``solutions/``.

    By default into ``exercises/`` (what ``make exercises`` does); with
    ``release_root``, into ``release_root/release/ASSIGNMENT`` (used to check that the
    committed student versions are exactly what nbgrader generates).
    """
    if release_root is None:
        _nbgrader(REPO, "generate_assignment", assignment, "--force", "--no-db")
        return EXERCISES / assignment
    root = _course_dir(Path(release_root))
    _nbgrader(root, "generate_assignment", assignment, "--force", "--no-db")
    return root / "release" / assignment


def grade(assignment: str, submissions: dict[str, Path], workdir: Path, **options):
    """Grade ``submissions`` (student id -> notebook path) with the course's grader
    (sandboxed, in parallel) in the folder ``workdir``; return each student's result
    (:class:`autograder.grading.StudentResult`)."""
    from .grading import Grader
    from .submission import Submission
    grader = Grader(assignment, workdir, progress=False, **options)
    subs = [Submission(student, Path(path)) for student, path in submissions.items()]
    return grader.run(subs)
